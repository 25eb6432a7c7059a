"""The review's synthesis cache: a stack is taken from it only when what it is built from, the code
and the packages are unchanged; the assembled output equals a full synthesis byte for byte."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from modules.config import Estate, load_estate
from modules.config.topology import ROLE_STACKS, stack_estate, topology
from modules.review import synthesis
from modules.review.errors import ToolError
from modules.review.synthesis import STACK_FILE, stack_inputs, synthesis_cache, synthesize_cached
from modules.synth import synthesize, synthesize_in_child
from tests.support import SAMPLE, copy_sample, load_variant


def _budget(limit: int) -> Any:
    def edit(files: dict[str, dict[str, Any]]) -> None:
        files["dev"]["budget"]["monthly_limit_usd"] = limit

    return edit


def _changed_inputs(before: Estate, after: Estate, out: Path) -> list[str]:
    names = topology(before).names
    return [name for name in names if stack_inputs(before, name, out) != stack_inputs(after, name, out)]


def test_an_environment_change_reaches_that_environment_and_the_role_stacks_only(tmp_path: Path) -> None:
    before = load_estate(SAMPLE)
    after = load_variant(tmp_path / "variant", _budget(900))
    assert sorted(_changed_inputs(before, after, tmp_path / "out")) == sorted([*ROLE_STACKS, "dev"])


def test_an_organization_change_reaches_every_stack(tmp_path: Path) -> None:
    def edit(files: dict[str, dict[str, Any]]) -> None:
        files["organization"]["log_archive"]["retention_days"] = 400

    before = load_estate(SAMPLE)
    after = load_variant(tmp_path / "variant", edit)
    assert _changed_inputs(before, after, tmp_path / "out") == topology(before).names


def test_an_environment_stack_is_built_from_its_own_environment_only() -> None:
    estate = load_estate(SAMPLE)
    assert list(stack_estate(estate, "dev").environments) == ["dev"]
    assert stack_estate(estate, "dev").organization == estate.organization
    for role in ROLE_STACKS:  # the role stacks carry every account
        assert stack_estate(estate, role) is estate


def test_the_output_folder_counts_where_it_moves_the_local_state_path(tmp_path: Path) -> None:
    estate = load_estate(SAMPLE)
    here = stack_inputs(estate, "dev", tmp_path / "a" / "synth")
    assert stack_inputs(estate, "dev", tmp_path / "b" / "synth") == here  # same depth: same path
    assert stack_inputs(estate, "dev", tmp_path / "synth") != here


def test_code_data_and_packages_make_the_identity(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "policies"
    data.mkdir()
    (data / "template.json").write_text('{"Version": "2012-10-17"}')
    monkeypatch.setattr(synthesis, "SYNTHESIS_DATA", (data,))
    monkeypatch.setattr(synthesis, "SOURCE_ROOT", tmp_path)
    first = synthesis.synthesis_identity()
    assert synthesis.synthesis_identity() == first
    (data / "template.json").write_text('{"Version": "2012-10-17", "Statement": []}')
    assert synthesis.synthesis_identity() != first
    edited = synthesis.synthesis_identity()
    monkeypatch.setattr(synthesis, "_version", lambda package: "0.0.0")
    assert synthesis.synthesis_identity() != edited
    versioned = synthesis.synthesis_identity()
    monkeypatch.setattr(synthesis, "code_digest", lambda roots: "other code")
    assert synthesis.synthesis_identity() != versioned


class Recording:
    """Stands in for the child synthesis: writes what the real one wrote, records what it was asked."""

    def __init__(self, estate: Estate, tmp_path: Path) -> None:
        self.full = tmp_path / "full"
        synthesize(estate, self.full)
        self.asked: list[list[str]] = []

    def __call__(self, names: list[str], out: Path) -> list[str]:
        self.asked.append(names)
        shutil.rmtree(out, ignore_errors=True)
        for name in names:
            shutil.copytree(self.full / "stacks" / name, out / "stacks" / name)
        return names


def test_what_was_synthesized_before_from_the_same_inputs_is_not_synthesized_again(tmp_path: Path) -> None:
    estate = load_estate(SAMPLE)
    child = Recording(estate, tmp_path)
    cache, out, names = synthesis_cache(tmp_path / "cache"), tmp_path / "synth", topology(estate).names

    first = synthesize_cached(estate, names, out, child, cache)
    assert child.asked == [names] and first.reused == []
    second = synthesize_cached(estate, names, out, child, synthesis_cache(tmp_path / "cache"))
    assert child.asked == [names] and second.reused == sorted(names)  # no child at all
    for name in names:
        assert (out / "stacks" / name / STACK_FILE).read_bytes() == (
            child.full / "stacks" / name / STACK_FILE
        ).read_bytes()

    changed = load_variant(tmp_path / "variant", _budget(900))
    synthesize_cached(changed, names, out, child, synthesis_cache(tmp_path / "cache"))
    assert sorted(child.asked[-1]) == sorted([*ROLE_STACKS, "dev"])


def test_a_failed_synthesis_leaves_the_previous_output(tmp_path: Path) -> None:
    estate = load_estate(SAMPLE)
    child = Recording(estate, tmp_path)
    out, names = tmp_path / "synth", topology(estate).names
    synthesize_cached(estate, names, out, child, synthesis_cache(tmp_path / "cache"))
    before = sorted(path.name for path in (out / "stacks").iterdir())

    def failing(wanted: list[str], target: Path) -> list[str]:
        raise ToolError("synthesis failed: boom")

    changed = load_variant(tmp_path / "variant", _budget(900))
    with pytest.raises(ToolError, match="boom"):
        synthesize_cached(changed, names, out, failing, synthesis_cache(tmp_path / "cache"))
    assert sorted(path.name for path in (out / "stacks").iterdir()) == before

    def forgetful(wanted: list[str], target: Path) -> list[str]:
        return child(wanted[1:], target)

    with pytest.raises(ToolError, match="did not write the stack"):
        synthesize_cached(changed, names, out, forgetful, synthesis_cache(tmp_path / "cache"))


def test_the_cached_and_the_fresh_halves_equal_a_full_synthesis(tmp_path: Path) -> None:
    """The real child synthesis: the sample, then one environment changed. The folder the cache
    assembles (the role stacks and dev synthesized, the others reused) is what a full synthesis of
    the changed estate writes, byte for byte."""
    cache_dir, out = tmp_path / "cache", tmp_path / "review" / "synth"
    variant = copy_sample(tmp_path / "variant")

    def child(names: list[str], target: Path) -> list[str]:
        return synthesize_in_child(variant, target, stacks=names)

    estate = load_estate(variant)
    names = topology(estate).names
    synthesize_cached(estate, names, out, child, synthesis_cache(cache_dir))
    dev = variant / "dev.yaml"
    dev.write_text(dev.read_text().replace("monthly_limit_usd: 800", "monthly_limit_usd: 900"))
    assembled = synthesize_cached(load_estate(variant), names, out, child, synthesis_cache(cache_dir))
    assert sorted(set(names) - set(assembled.reused)) == sorted([*ROLE_STACKS, "dev"])

    full = tmp_path / "elsewhere" / "synth"  # the same depth: the same local state paths
    synthesize_in_child(variant, full)
    for name in names:
        fresh = (full / "stacks" / name / STACK_FILE).read_bytes()
        assert (out / "stacks" / name / STACK_FILE).read_bytes() == fresh, name


def test_lz_synth_writes_exactly_the_stacks_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from modules.cli import main

    out = tmp_path / "out"
    assert (
        main(["synth", "--dir", str(SAMPLE), "--out", str(out), "--stack", "dev", "--stack", "security"]) == 0
    )
    assert sorted(path.name for path in (out / "stacks").iterdir()) == ["dev", "security"]
    capsys.readouterr()

    assert main(["synth", "--dir", str(SAMPLE), "--out", str(out), "--stack", "prdo"]) == 2
    assert "--stack prdo: no such stack (did you mean 'prod'?)" in capsys.readouterr().err
    assert main(["synth", "--dir", str(SAMPLE), "--out", str(out), "--stack", "dev", "--env", "dev"]) == 2
    assert "give one of them" in capsys.readouterr().err
    assert sorted(path.name for path in (out / "stacks").iterdir()) == ["dev", "security"]  # untouched
