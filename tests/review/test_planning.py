"""Offline planning: a plan is reused only when its config, state, tools and code are the same."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from modules.review import content_cache
from modules.review.content_cache import SOURCE_ROOT, ContentCache
from modules.review.planning import (
    PLANNING_CODE,
    plan_cache,
    plan_stacks,
    restore_plan,
    stack_inputs,
    store_plan,
    tool_identity,
)
from modules.review.plugin_cache import prime_plugin_cache
from modules.review.terraform_cli import Terraform, find_mirror, write_cli_config


def key(cache: ContentCache, stack: Path) -> str:
    return cache.key(stack_inputs(stack))


def stack_dir(root: Path, config: str, state: str | None = None) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "cdk.tf.json").write_text(config)
    if state is not None:
        (root / "terraform.tfstate").write_text(state)
    return root


def test_every_input_of_a_plan_is_in_its_key(tmp_path: Path) -> None:
    cache = plan_cache(tmp_path / "cache", "terraform 1.11.4\nlock A")
    base = key(cache, stack_dir(tmp_path / "a", "{}"))
    assert key(cache, stack_dir(tmp_path / "b", "{}")) == base  # same inputs, same key, any folder
    assert key(cache, stack_dir(tmp_path / "c", '{"resource": {}}')) != base
    assert key(cache, stack_dir(tmp_path / "d", "{}", state="{}")) != base
    assert key(plan_cache(tmp_path / "cache", "terraform 1.11.5\nlock A"), tmp_path / "a") != base
    assert key(plan_cache(tmp_path / "cache", "terraform 1.11.4\nlock B"), tmp_path / "a") != base


def test_restore_hits_only_stored_inputs_and_unused_entries_are_dropped(tmp_path: Path) -> None:
    cache = plan_cache(tmp_path / "cache", "tools")
    planned = stack_dir(tmp_path / "one" / "dev", "{}")
    (planned / "plan.json").write_text('{"format_version": "1.2"}')
    store_plan(cache, planned, planned / "plan.json")
    other = stack_dir(tmp_path / "two" / "dev", '{"x": 1}')
    (other / "plan.json").write_text('{"other": true}')
    store_plan(cache, other, other / "plan.json")

    later = plan_cache(tmp_path / "cache", "tools")
    again = stack_dir(tmp_path / "three" / "dev", "{}")
    restored = restore_plan(later, again)
    assert restored == again / "plan.json" and restored.read_text() == '{"format_version": "1.2"}'
    assert restore_plan(later, stack_dir(tmp_path / "changed" / "dev", '{"x": 2}')) is None
    later.evict_unused()  # what the pipeline does after a review
    assert [path.name for path in (tmp_path / "cache" / "dev").iterdir()] == [f"{key(later, again)}.json"]


@pytest.mark.synth
@pytest.mark.terraform
def test_an_unchanged_stack_is_not_planned_again(sample_synth_dir: Path, tmp_path: Path) -> None:
    build = tmp_path / "build"
    terraform = Terraform(write_cli_config(build, find_mirror()))
    prime_plugin_cache(terraform, build)
    cache_dir = tmp_path / "cache"

    def plan(state_dir: Path | None = None) -> tuple[bool, str]:
        cache = plan_cache(cache_dir, tool_identity(terraform, build))
        (result,) = plan_stacks(
            sample_synth_dir,
            tmp_path / "plans",
            build,
            ["dev"],
            terraform=terraform,
            cache=cache,
            state_dir=state_dir,
        )
        assert result.ok and result.plan_json is not None, result.error
        cache.evict_unused()  # what the pipeline does after a review
        return result.reused, result.plan_json.read_text()

    first_reused, first = plan()
    second_reused, second = plan()
    assert (first_reused, second_reused) == (False, True)
    assert second == first
    state_dir = tmp_path / "state"
    state_dir.mkdir()
    (state_dir / "dev.tfstate").write_text(
        json.dumps(
            {"version": 4, "terraform_version": "1.11.4", "serial": 1, "lineage": "x", "resources": []}
        )
    )
    assert plan(state_dir)[0] is False  # a recorded state is a new input
    assert len(list((cache_dir / "dev").iterdir())) == 1  # the entry for the old inputs is gone


def _source_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This checkout's `modules` package copied, and the plan cache's code hash reading the copy."""
    shutil.copytree(
        SOURCE_ROOT / "modules", tmp_path / "src" / "modules", ignore=shutil.ignore_patterns("__pycache__")
    )
    monkeypatch.setattr(content_cache, "SOURCE_ROOT", tmp_path / "src")
    return tmp_path / "src"


def test_a_change_to_any_module_planning_runs_is_a_new_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = _source_copy(tmp_path, monkeypatch)
    stack = stack_dir(tmp_path / "dev", "{}")
    before = key(plan_cache(tmp_path / "cache", "tools"), stack)
    covered = content_cache.code_files(PLANNING_CODE)
    names = {path.relative_to(source).as_posix() for path in covered}
    assert {
        "modules/review/planning.py",
        "modules/review/terraform_cli.py",
        "modules/review/plugin_cache.py",
        "modules/review/batch.py",
        "modules/review/prior_state.py",
        "modules/targets/offline.py",
    } <= names
    assert "modules/review/reports/markdown.py" not in names  # a report change keeps every plan
    for path in covered:
        original = path.read_bytes()
        path.write_bytes(original + b"\n# changed\n")
        assert key(plan_cache(tmp_path / "cache", "tools"), stack) != before, path
        path.write_bytes(original)
    assert key(plan_cache(tmp_path / "cache", "tools"), stack) == before


def test_planning_code_moved_into_a_new_module_is_still_covered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The key follows the imports, not a list of file names: a split of the code keeps it whole."""
    source = _source_copy(tmp_path, monkeypatch)
    planning = source / "modules" / "review" / "planning.py"
    planning.write_text(planning.read_text() + "\nfrom modules.review import split_out  # noqa\n")
    helper = source / "modules" / "review" / "split_out.py"
    helper.write_text("LIMIT = 6\n")
    stack = stack_dir(tmp_path / "dev", "{}")
    before = key(plan_cache(tmp_path / "cache", "tools"), stack)
    helper.write_text("LIMIT = 7\n")
    assert key(plan_cache(tmp_path / "cache", "tools"), stack) != before
