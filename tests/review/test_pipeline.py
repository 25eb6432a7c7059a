"""`lz review` end to end: the sample passes; weakened variants fail and name the cause.

Runs with real terraform (offline, provider mirror) and real checkov unless a test fakes a tool.
Synthesis reuses the session's synthesized sample (one bindings import per test session).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from modules.cli import main
from tests.support import ROOT, SAMPLE, write_variant

STATE_KEY = {
    "version": 4,
    "terraform_version": "1.11.4",
    "serial": 1,
    "lineage": "6f1c2b7e-0000-4000-8000-000000000001",
    "outputs": {},
    "resources": [
        {
            "mode": "managed",
            "type": "aws_kms_key",
            "name": "old_logs",
            "provider": 'provider["registry.terraform.io/hashicorp/aws"]',
            "instances": [
                {
                    "schema_version": 0,
                    "attributes": {"id": "0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6", "enable_key_rotation": True},
                    "sensitive_attributes": [],
                }
            ],
        }
    ],
}
SHORT_LOG_GROUP = {"name": "/lz/short", "retention_in_days": 30}

Edit = Callable[[str, dict[str, Any]], None]


_FAKES = itertools.count(1)


def fake_synth(source: Path, edit: Edit | None = None) -> Any:
    """Stands in for modules.synth.synthesize_in_child: copies the stacks asked for, optionally
    edited. Each stand-in is other code to the synthesis cache: its `identity` is its own."""

    def synthesize(config_dir: Path, out: Path, stacks: list[str] | None) -> list[str]:
        names = stacks or sorted(path.name for path in (source / "stacks").iterdir())
        shutil.rmtree(out, ignore_errors=True)
        for name in names:
            shutil.copytree(source / "stacks" / name, out / "stacks" / name)
            if edit is not None:
                path = out / "stacks" / name / "cdk.tf.json"
                stack = json.loads(path.read_text())
                edit(name, stack)
                path.write_text(json.dumps(stack))
        return names

    synthesize.identity = f"stand-in synthesis {next(_FAKES)}"  # type: ignore[attr-defined]
    return synthesize


def run(argv: list[str], monkeypatch: pytest.MonkeyPatch, synth: Any = None) -> int:
    monkeypatch.chdir(ROOT)
    if synth is not None:
        monkeypatch.setattr(
            "modules.synth.synthesize_in_child",
            lambda d, o, only_env=None, stacks=None, **_: synth(d, o, stacks),
        )
        identity = getattr(synth, "identity", f"stand-in synthesis {next(_FAKES)}")
        monkeypatch.setattr("modules.review.synthesis.synthesis_identity", lambda: identity)
    return main(["review", *argv])


def report(out: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((out / "report.json").read_text())
    return data


@pytest.mark.synth
@pytest.mark.terraform
def test_the_sample_passes_with_all_four_reports(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    sample_synth_dir: Path,
) -> None:
    out = tmp_path / "review-out"
    code = run(["--out", str(out), "--state-dir", str(tmp_path)], monkeypatch, fake_synth(sample_synth_dir))
    printed = capsys.readouterr()
    assert code == 0, printed.out + printed.err
    assert {p.name for p in out.iterdir()} >= {"report.md", "report.sarif", "junit.xml", "report.json"}
    data = report(out)
    assert data["verdict"] == "passed" and data["summary"]["failed"] == 0
    assert set(data["stacks"]) == {"organization", "log-archive", "security", "prod", "stg", "dev"}
    sources = {result["source"] for result in data["results"]}
    assert {"checkov", "lz"} <= sources
    assert {row["id"] for row in data["compliance"]} >= {"LOG-3", "OPS-3", "IAM-7"}
    assert "PASSED:" in printed.out


@pytest.mark.synth
@pytest.mark.terraform
def test_a_failing_resource_and_a_protected_destroy_fail_the_review(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    sample_synth_dir: Path,
) -> None:
    def add_short_log_group(name: str, stack: dict[str, Any]) -> None:
        if name == "prod":
            groups = stack.setdefault("resource", {}).setdefault("aws_cloudwatch_log_group", {})
            groups["short"] = SHORT_LOG_GROUP

    state = tmp_path / "state"
    state.mkdir()
    (state / "log-archive.tfstate").write_text(json.dumps(STATE_KEY))
    out = tmp_path / "out"
    synth = fake_synth(sample_synth_dir, add_short_log_group)
    code = run(["--out", str(out), "--state-dir", str(state), "--env", "prod"], monkeypatch, synth)
    captured = capsys.readouterr()
    printed = captured.out
    assert code == 1, captured.err[-3000:]
    failed = {
        (r["check_id"], f"{r['stack']}:{r['address']}")
        for r in report(out)["results"]
        if r["status"] == "failed"
    }
    assert ("LZ_LOG_001", "prod:aws_cloudwatch_log_group.short") in failed
    assert ("CKV_AWS_338", "prod:aws_cloudwatch_log_group.short") in failed
    assert ("LZ_CHG_001", "log-archive:aws_kms_key.old_logs") in failed
    assert "FAILED  LZ_CHG_001 log-archive:aws_kms_key.old_logs" in printed
    assert report(out)["stacks"]["log-archive"]["changes"]["destroy"] == 1


@pytest.mark.synth
@pytest.mark.terraform
def test_checkov_running_zero_checks_is_a_tool_failure(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    sample_synth_dir: Path,
) -> None:
    fake = tmp_path / "checkov"
    fake.write_text(
        "#!/bin/sh\n"
        'while [ "$1" != "--output-file-path" ]; do shift; done\n'
        'mkdir -p "$2" && echo \'{"passed": 0, "failed": 0, "parsing_errors": 0}\' > "$2/results_json.json"\n'
    )
    fake.chmod(0o755)
    monkeypatch.setenv("LZ_CHECKOV", str(fake))
    code = run(
        ["--out", str(tmp_path / "out"), "--state-dir", str(tmp_path), "--env", "dev"],
        monkeypatch,
        fake_synth(sample_synth_dir),
    )
    assert code == 2
    assert "checkov ran zero checks" in capsys.readouterr().err


def policies_with(tmp_path: Path, suppressions: str) -> Path:
    policies = tmp_path / "policies"
    shutil.copytree(ROOT / "policies", policies, ignore=shutil.ignore_patterns("fixtures", "__pycache__"))
    (policies / "suppressions.yaml").write_text(suppressions)
    return policies


def test_bad_config_prints_positions_and_exits_2_before_any_tool_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = write_variant(tmp_path / "envs", lambda files: files["prod"].update(regoin="x"))
    code = run(["--dir", str(bad), "--out", str(tmp_path / "out")], monkeypatch, synth=None)
    err = capsys.readouterr().err
    assert code == 2
    assert "prod.yaml:" in err and "regoin: unknown key 'regoin'" in err


def test_malformed_policy_file_is_bad_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    policies = policies_with(tmp_path, "suppressions:\n  - check: CKV_AWS_9\n    resouce: x\n")
    code = run(["--policies", str(policies), "--out", str(tmp_path / "out")], monkeypatch)
    assert code == 2
    assert "suppressions.yaml:3:5 suppressions[0].resouce: unknown key" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"PATH": "/nonexistent"}, "terraform not found on PATH"),
        ({"LZ_PROVIDER_MIRROR": "/nonexistent"}, "not found in a filesystem mirror"),
        ({"LZ_CHECKOV": "/nonexistent/checkov"}, "checkov is not available"),
    ],
)
def test_missing_tools_are_named_before_synthesis(
    env: dict[str, str],
    message: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)

    def must_not_synthesize(*_: object) -> list[str]:
        raise AssertionError("synthesized although a tool is missing")

    code = run(["--dir", str(SAMPLE), "--out", str(tmp_path / "out")], monkeypatch, must_not_synthesize)
    err = capsys.readouterr().err
    assert code == 2 and message in err and "Traceback" not in err
    # No stale verdict stands: the report says the review did not complete, and why.
    written = report(tmp_path / "out")
    assert (written["verdict"], written["exit_code"]) == ("not completed", 2)
    assert message in written["error"]


def test_synthesis_runs_in_a_child_process_and_its_failure_is_reported(tmp_path: Path) -> None:
    from modules.synth import SynthesisError, synthesize_in_child

    with pytest.raises(SynthesisError) as failed:
        synthesize_in_child(tmp_path / "missing", tmp_path / "out")
    assert "`lz synth --dir" in str(failed.value) and "(exit 2)" in str(failed.value)
    assert "not a directory" in str(failed.value)


@pytest.mark.synth
def test_the_reviews_optimized_synthesis_writes_exactly_what_lz_synth_writes(
    sample_synth_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The review synthesizes under `python -O` (the bindings skip their runtime type checks)."""
    from modules.synth import optimized_bytecode_installed, synthesize_in_child

    assert optimized_bytecode_installed(), "run `make install`: it byte-compiles the bindings for -O"
    out = tmp_path_factory.mktemp("synth-child") / "cdktf.out"  # same depth: same relative paths
    synthesize_in_child(SAMPLE, out)
    written = sorted(path.relative_to(out) for path in out.rglob("*") if path.is_file())
    assert written == sorted(
        path.relative_to(sample_synth_dir) for path in sample_synth_dir.rglob("*") if path.is_file()
    )
    for path in written:
        assert (out / path).read_bytes() == (sample_synth_dir / path).read_bytes(), path


def test_a_failed_synthesis_is_a_tool_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from modules.synth import SynthesisError

    def failing(*_: object) -> list[str]:
        raise SynthesisError("`lz synth` failed (exit 1):\nerror: construct exploded")

    code = run(["--dir", str(SAMPLE), "--out", str(tmp_path / "out")], monkeypatch, failing)
    err = capsys.readouterr().err
    assert code == 2 and "synthesis failed:" in err and "construct exploded" in err


FAKE_CHECKOV = """#!{python}
import json, pathlib, sys
args = sys.argv[1:]
scan = pathlib.Path(args[args.index("--directory") + 1])
out = pathlib.Path(args[args.index("--output-file-path") + 1])
passed = [{{"check_id": "CKV_FAKE_1", "file_path": "/" + p.name, "resource": "x.y"}} for p in scan.iterdir()]
out.mkdir(parents=True)
report = {{"check_type": "terraform_plan", "results": {{"passed_checks": passed, "failed_checks": []}},
          "summary": {{"checkov_version": "fake"}}}}
(out / "results_json.json").write_text(json.dumps(report))
"""
EMPTY_PLAN = {"format_version": "1.2", "planned_values": {"root_module": {}}, "resource_changes": []}


@pytest.mark.synth
def test_a_review_of_one_environment_keeps_the_other_environments_cache_entries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sample_synth_dir: Path
) -> None:
    """Terraform and checkov are stand-ins here (an empty plan per stack): what is under test is
    which plan and checkov entries the pipeline keeps after a whole review and an `--env` one."""
    from modules.review.planning import prepare_plan_dir, restore_plan, store_plan
    from modules.review.terraform_cli import StackPlan

    def plan_stacks(synth_dir: Path, plan_root: Path, _: Path, stacks: list[str], **options: Any) -> Any:
        results = []
        for name in stacks:
            directory = prepare_plan_dir(
                synth_dir / "stacks" / name, plan_root, state_dir=options["state_dir"]
            )
            plan_json = restore_plan(options["cache"], directory)
            if plan_json is None:
                plan_json = directory / "plan.json"
                made_from = hashlib.sha256((directory / "cdk.tf.json").read_bytes()).hexdigest()
                plan_json.write_text(json.dumps({**EMPTY_PLAN, "made_from": made_from}))
                store_plan(options["cache"], directory, plan_json)
            results.append(StackPlan(name, directory, plan_json, None, 0.0))
        return results

    fake = tmp_path / "fake-checkov"
    fake.write_text(FAKE_CHECKOV.format(python=sys.executable))
    fake.chmod(0o755)
    monkeypatch.setenv("LZ_CHECKOV", str(fake))
    monkeypatch.setattr("modules.review.pipeline.plan_stacks", plan_stacks)
    monkeypatch.setattr("modules.review.pipeline.prime_plugin_cache", lambda *_: None)
    monkeypatch.setattr("modules.review.pipeline.tool_identity", lambda *_: "tools")
    cache = tmp_path / "cache"

    def entries() -> dict[str, list[str]]:
        return {
            f"{kind}/{stack.name}": sorted(entry.name for entry in stack.iterdir())
            for kind in ("plans", "checkov")
            for stack in sorted((cache / kind).iterdir())
        }

    def review(*extra: str, edit: Edit | None = None) -> None:
        state = tmp_path / "no-state"
        args = ["--out", str(tmp_path / "out"), "--state-dir", str(state), "--plan-cache", str(cache)]
        assert run([*args, *extra], monkeypatch, fake_synth(sample_synth_dir, edit)) in (0, 1)

    review()
    whole = entries()
    stacks = {"organization", "log-archive", "security", "prod", "stg", "dev"}
    assert {key.split("/")[1] for key in whole} == stacks

    def change_dev(name: str, stack: dict[str, Any]) -> None:
        if name == "dev":
            stack.setdefault("locals", {})["changed"] = True

    # What `lz synth --env dev` writes: the role stacks and dev (changed here), not prod or stg.
    review("--env", "dev", edit=change_dev)
    after = entries()
    for kind in ("plans", "checkov"):
        for stack in ("prod", "stg", "organization"):
            assert after[f"{kind}/{stack}"] == whole[f"{kind}/{stack}"], (kind, stack)
        assert len(after[f"{kind}/dev"]) == 1 and after[f"{kind}/dev"] != whole[f"{kind}/dev"]
