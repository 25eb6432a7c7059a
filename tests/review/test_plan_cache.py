"""A plan is reused only when its config, state and tools are the same; the cache never grows stale."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from modules.review.plan_cache import PlanCache
from modules.review.terraform import (
    Terraform,
    find_mirror,
    plan_stacks,
    prime_plugin_cache,
    tool_identity,
    write_cli_config,
)


def stack_dir(root: Path, config: str, state: str | None = None) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "cdk.tf.json").write_text(config)
    if state is not None:
        (root / "terraform.tfstate").write_text(state)
    return root


def test_every_input_of_a_plan_is_in_its_key(tmp_path: Path) -> None:
    cache = PlanCache(tmp_path / "cache", "terraform 1.11.4\nlock A")
    base = cache.key(stack_dir(tmp_path / "a", "{}"))
    assert cache.key(stack_dir(tmp_path / "b", "{}")) == base  # same inputs, same key, any folder
    assert cache.key(stack_dir(tmp_path / "c", '{"resource": {}}')) != base
    assert cache.key(stack_dir(tmp_path / "d", "{}", state="{}")) != base
    assert PlanCache(tmp_path / "cache", "terraform 1.11.5\nlock A").key(tmp_path / "a") != base
    assert PlanCache(tmp_path / "cache", "terraform 1.11.4\nlock B").key(tmp_path / "a") != base


def test_restore_hits_only_stored_inputs_and_unused_entries_are_dropped(tmp_path: Path) -> None:
    cache = PlanCache(tmp_path / "cache", "tools")
    planned = stack_dir(tmp_path / "planned", "{}")
    (planned / "plan.json").write_text('{"format_version": "1.2"}')
    cache.store(planned, planned / "plan.json")
    other = stack_dir(tmp_path / "other", '{"x": 1}')
    (other / "plan.json").write_text('{"other": true}')
    cache.store(other, other / "plan.json")

    later = PlanCache(tmp_path / "cache", "tools")
    again = stack_dir(tmp_path / "again", "{}")
    restored = later.restore(again)
    assert restored == again / "plan.json" and restored.read_text() == '{"format_version": "1.2"}'
    assert later.restore(stack_dir(tmp_path / "changed", '{"x": 2}')) is None
    later.keep_only_used()
    assert [path.name for path in (tmp_path / "cache").iterdir()] == [f"{later.key(again)}.json"]


@pytest.mark.synth
@pytest.mark.terraform
def test_an_unchanged_stack_is_not_planned_again(sample_synth_dir: Path, tmp_path: Path) -> None:
    build = tmp_path / "build"
    terraform = Terraform(write_cli_config(build, find_mirror()))
    prime_plugin_cache(terraform, build)
    cache_dir = tmp_path / "cache"

    def plan(state_dir: Path | None = None) -> tuple[bool, str]:
        cache = PlanCache(cache_dir, tool_identity(terraform, build))
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
    assert len(list(cache_dir.iterdir())) == 1  # the entry for the old inputs is gone
