"""`lz review --shard I/N` then `--merge`: the same four reports and exit code as one run, and a
merge that cannot stand behind its verdict says "not completed" (exit 2), never green.

Real Terraform and checkov; synthesis reuses the session's synthesized sample, edited so the
verdict has something to say: a failing resource, a protected destroy and an orphaned stack.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from modules.review.partial import write_failed
from modules.review.shards import Shard
from tests.review.test_pipeline import SHORT_LOG_GROUP, STATE_KEY, fake_synth, run
from tests.support import ROOT, SAMPLE, generated_estate

pytestmark = [pytest.mark.synth, pytest.mark.terraform]
REPORTS = ("report.json", "report.md", "report.sarif", "junit.xml")
SHARDS = 3


def short_log_group(name: str, stack: dict[str, Any]) -> None:
    if name == "prod":
        stack.setdefault("resource", {}).setdefault("aws_cloudwatch_log_group", {})["short"] = SHORT_LOG_GROUP


def comparable(out: Path) -> dict[str, str]:
    """The four reports, with the wall times (the only thing a merge may change) taken out."""
    found = {name: (out / name).read_text() for name in REPORTS}
    data = json.loads(found["report.json"])
    data.pop("timings_seconds")
    found["report.json"] = json.dumps(data, indent=1, sort_keys=True)
    return found


@pytest.fixture(scope="module")
def reviews(
    tmp_path_factory: pytest.TempPathFactory, sample_synth_dir: Path
) -> tuple[Path, list[Path], Path, int]:
    """(single run's out, each shard's out, the prior state) of the edited sample, and the exit code."""
    root = tmp_path_factory.mktemp("shards")
    state = root / "state"
    state.mkdir()
    (state / "log-archive.tfstate").write_text(json.dumps(STATE_KEY))  # a protected key destroyed
    (state / "retired.tfstate").write_text(json.dumps(STATE_KEY))  # a stack gone from the config
    synth = fake_synth(sample_synth_dir, edit=short_log_group)
    monkeypatch = pytest.MonkeyPatch()
    try:
        common = ["--state-dir", str(state), "--no-plan-cache"]
        single = root / "single"
        code = run(["--out", str(single), *common], monkeypatch, synth)
        shards = []
        for index in range(1, SHARDS + 1):
            out = root / f"shard-{index}"
            assert run(["--out", str(out), *common, "--shard", f"{index}/{SHARDS}"], monkeypatch, synth) == 0
            shards.append(out)
    finally:
        monkeypatch.undo()
    return single, shards, root, code


def merge(out: Path, parts: list[Path], monkeypatch: pytest.MonkeyPatch, *extra: str) -> int:
    return run(["--out", str(out), *extra, "--merge", *map(str, parts)], monkeypatch)


def test_the_merged_shards_give_the_single_runs_reports_and_exit_code(
    reviews: tuple[Path, list[Path], Path, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    single, shards, _, code = reviews
    assert code == 1  # the edits fail the review: the comparison covers failures and changes
    merged = tmp_path / "merged"
    assert merge(merged, shards, monkeypatch) == code
    assert comparable(merged) == comparable(single)
    data = json.loads((merged / "report.json").read_text())
    failed = {
        (r["check_id"], f"{r['stack']}:{r['address']}") for r in data["results"] if r["status"] == "failed"
    }
    assert ("LZ_LOG_001", "prod:aws_cloudwatch_log_group.short") in failed
    assert ("LZ_CHG_001", "log-archive:aws_kms_key.old_logs") in failed
    assert data["removed_stacks"] == ["retired"]  # reported once, by the shard holding organization


def test_each_stack_is_judged_by_exactly_one_shard(reviews: tuple[Path, list[Path], Path, int]) -> None:
    _, shards, _, _ = reviews
    slices = [json.loads((out / "partial" / "manifest.json").read_text())["slice"] for out in shards]
    every = [stack for part in slices for stack in part]
    assert sorted(every) == sorted(["organization", "log-archive", "security", "prod", "stg", "dev"])
    assert all(slices)


def not_completed(out: Path, code: int, capsys: pytest.CaptureFixture[str], expected: str) -> None:
    assert code == 2
    assert expected in capsys.readouterr().err
    assert "not completed" in (out / "report.md").read_text()
    assert not (out / "report.sarif").exists()  # no verdict file a later step could take for green


def test_a_missing_shard_is_not_a_verdict(
    reviews: tuple[Path, list[Path], Path, int],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, shards, _, _ = reviews
    out = tmp_path / "merged"
    not_completed(out, merge(out, shards[:-1], monkeypatch), capsys, f"shard(s) {SHARDS}/{SHARDS} missing")


def test_a_failed_shard_is_named_with_its_error(
    reviews: tuple[Path, list[Path], Path, int],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, shards, _, _ = reviews
    failed = tmp_path / "failed"
    write_failed(failed, Shard(2, SHARDS), "terraform plan failed for 1 stack(s)")
    out = tmp_path / "merged"
    code = merge(out, [shards[0], failed, shards[2]], monkeypatch)
    not_completed(out, code, capsys, f"shard 2/{SHARDS} failed: terraform plan failed")


def test_a_shard_given_twice_or_a_folder_without_a_result_is_refused(
    reviews: tuple[Path, list[Path], Path, int],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, shards, _, _ = reviews
    out = tmp_path / "merged"
    not_completed(out, merge(out, [*shards, shards[0]], monkeypatch), capsys, "is given twice")
    empty = tmp_path / "empty"
    empty.mkdir()
    not_completed(out, merge(out, [*shards, empty], monkeypatch), capsys, "no partial result")


def test_shards_of_another_config_are_refused(
    reviews: tuple[Path, list[Path], Path, int],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, shards, _, _ = reviews
    config = tmp_path / "environments"
    shutil.copytree(SAMPLE, config)
    dev = yaml.safe_load((config / "dev.yaml").read_text())
    dev["network"]["cidr"] = "10.99.0.0/16"
    (config / "dev.yaml").write_text(yaml.safe_dump(dev, sort_keys=False))
    out = tmp_path / "merged"
    code = merge(out, shards, monkeypatch, "--dir", str(config))
    not_completed(out, code, capsys, "judged another config than this checkout has")


def test_merge_takes_no_planning_options(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run(["--merge", str(ROOT), "--shard", "1/2"], monkeypatch)
    assert code == 2 and "drop --shard" in capsys.readouterr().err


def test_a_generated_estate_merges_to_its_single_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Real synthesis of a larger estate than the sample, split in more shards than it has
    environments' worth of weight differences: the merge still equals the single run."""
    estate = generated_estate(tmp_path / "environments", 4)
    common = ["--dir", str(estate), "--no-plan-cache"]
    single = tmp_path / "single"
    code = run(["--out", str(single), *common], monkeypatch)
    assert code in (0, 1), (single / "report.md").read_text()[:3000]
    shards = [tmp_path / f"shard-{index}" for index in range(1, 5)]
    for index, out in enumerate(shards, 1):
        assert run(["--out", str(out), *common, "--shard", f"{index}/4"], monkeypatch) == 0
    merged = tmp_path / "merged"
    assert merge(merged, shards, monkeypatch, "--dir", str(estate)) == code
    assert comparable(merged) == comparable(single)
    assert len(json.loads((merged / "report.json").read_text())["stacks"]) == 3 + 4
