"""checkov: its report parsed and vetted; a crash, a parse error or zero checks is never green."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from modules.review import checkov
from modules.review.checkov import (
    CheckovRun,
    Prewarmed,
    checkov_cache,
    checkov_command,
    parse_report,
    run_checkov,
    split_evenly,
)
from modules.review.content_cache import ContentCache
from modules.review.errors import ToolError
from tests.support import ROOT

FIXTURES = ROOT / "policies" / "checks" / "fixtures"


def item(check_id: str, file_path: str, address: str, passed: bool = True) -> dict[str, Any]:
    return {
        "check_id": check_id,
        "check_name": f"name of {check_id}",
        "file_path": file_path,
        "resource_address": address,
        "check_result": {"result": "PASSED" if passed else "FAILED", "evaluated_keys": ["retention_in_days"]},
        "severity": None,
        "guideline": "https://docs.example/guide",
    }


def section(passed: list[Any], failed: list[Any], parsing_errors: list[str] | None = None) -> dict[str, Any]:
    return {
        "check_type": "terraform_plan",
        "results": {"passed_checks": passed, "failed_checks": failed, "parsing_errors": parsing_errors or []},
        "summary": {
            "passed": len(passed),
            "failed": len(failed),
            "parsing_errors": len(parsing_errors or []),
            "checkov_version": "3.3.30",
        },
    }


def test_results_name_their_stack_and_address() -> None:
    raw = section(
        [item("CKV_AWS_41", "/prod.json", "aws.default")],
        [item("CKV_AWS_338", "/log-archive.json", "aws_cloudwatch_log_group.trail", passed=False)],
    )
    run = parse_report(raw, expected_stacks={"prod", "log-archive"})
    assert run.version == "3.3.30" and run.checks_run == 2
    failed = [r for r in run.results if not r.passed]
    assert [(r.check_id, r.key, r.severity, r.message) for r in failed] == [
        (
            "CKV_AWS_338",
            "log-archive:aws_cloudwatch_log_group.trail",
            "MEDIUM",
            "evaluated: retention_in_days",
        )
    ]


def test_a_list_of_framework_sections_is_merged() -> None:
    raw = [
        section([item("CKV_AWS_41", "/a.json", "aws.default")], []),
        section([item("X", "/b.json", "r.x")], []),
    ]
    assert parse_report(raw, expected_stacks={"a", "b"}).checks_run == 2


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (section([item("CKV_AWS_41", "/prod.json", "aws.default")], [], ["/broken.json"]), "could not parse"),
        (
            {"passed": 0, "failed": 0, "skipped": 0, "parsing_errors": 0, "checkov_version": "3.3.30"},
            "zero checks",
        ),
        (section([], []), "zero checks"),
        (section([item("CKV_AWS_41", "/prod.json", "aws.default")], []), "nothing for stack(s) stg"),
        ("not a mapping", "not the expected JSON"),
    ],
)
def test_untrustworthy_reports_are_tool_failures(raw: Any, message: str) -> None:
    with pytest.raises(ToolError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_report(raw, expected_stacks={"prod", "stg"})


def test_missing_checkov_is_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("LZ_CHECKOV", "/nonexistent/checkov")
    with pytest.raises(ToolError, match="checkov is not available"):
        run_checkov({"prod": tmp_path / "plan.json"}, tmp_path / "work")


def test_checkov_exiting_without_a_report_is_a_failure(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    fake = tmp_path / "fake-checkov"
    fake.write_text("#!/bin/sh\necho 'Traceback: boom' >&2\nexit 0\n")
    fake.chmod(0o755)
    monkeypatch.setenv("LZ_CHECKOV", str(fake))
    plan = tmp_path / "plan.json"
    plan.write_text("{}")
    with pytest.raises(ToolError, match=r"checkov failed \(exit 0\) without a report:\nTraceback: boom"):
        run_checkov({"prod": plan}, tmp_path / "work")


@pytest.mark.skipif(shutil.which("uvx") is None, reason="needs uvx to run the pinned checkov")
def test_real_checkov_on_real_plans(tmp_path: Path) -> None:
    """One real checkov run on fixture plans: real findings come back; a broken file fails the run."""
    plans = {
        "log-archive": FIXTURES / "LZ_LOG_001" / "fail" / "log-archive.plan.json",
        "prod": FIXTURES / "LZ_LOG_001" / "pass" / "prod.plan.json",
    }
    run = run_checkov(plans, tmp_path / "ok")
    failed = {(r.check_id, r.key) for r in run.results if not r.passed}
    assert ("CKV_AWS_338", "log-archive:aws_cloudwatch_log_group.month") in failed
    assert ("CKV_AWS_338", "log-archive:aws_cloudwatch_log_group.fine") not in failed
    assert {r.stack for r in run.results} == {"log-archive", "prod"}

    broken = tmp_path / "broken.plan.json"
    broken.write_text(json.dumps({"format_version": "1.2", "planned_values": 1})[:-3])
    with pytest.raises(ToolError, match="checkov could not parse"):
        run_checkov({**plans, "broken": broken}, tmp_path / "broken")


def test_plans_are_split_into_even_shards(tmp_path: Path) -> None:
    sizes = {"org": 900, "prod": 500, "stg": 400, "dev": 300, "log": 100}
    plans = {}
    for stack, size in sizes.items():
        plans[stack] = tmp_path / f"{stack}.json"
        plans[stack].write_bytes(b"x" * size)
    shards = split_evenly(plans, 2)
    assert sorted(stack for shard in shards for stack in shard) == sorted(sizes)
    assert [sum(sizes[stack] for stack in shard) for shard in shards] == [1200, 1000]  # greedy, largest first
    assert split_evenly(plans, 9) == [{stack: plans[stack]} for stack in sizes]
    assert split_evenly({}, 2) == []


FAKE_CHECKOV = """#!{python}
import json, pathlib, sys
args = sys.argv[1:]
scan = pathlib.Path(args[args.index("--directory") + 1])
out = pathlib.Path(args[args.index("--output-file-path") + 1])
names = sorted(path.name for path in scan.iterdir())
with open({log!r}, "a") as log:
    log.write(" ".join(names) + "\\n")
passed = [
    {{"check_id": "CKV_FAKE_1", "file_path": "/" + name, "resource_address": "x.y", "check_result": {{}}}}
    for name in names
]
out.mkdir(parents=True)
report = {{"check_type": "terraform_plan", "results": {{"passed_checks": passed, "failed_checks": []}},
          "summary": {{"checkov_version": "fake"}}}}
(out / "results_json.json").write_text(json.dumps(report))
"""


def test_only_plans_that_changed_are_scanned_again(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    log = tmp_path / "scanned.log"
    fake = tmp_path / "fake-checkov"
    fake.write_text(FAKE_CHECKOV.format(python=sys.executable, log=str(log)))
    fake.chmod(0o755)
    monkeypatch.setenv("LZ_CHECKOV", str(fake))
    plans = {stack: tmp_path / f"{stack}.plan.json" for stack in ("prod", "stg", "dev")}
    for stack, path in plans.items():
        path.write_text(json.dumps({"stack": stack}))

    def review() -> tuple[list[str], set[str], tuple[str, ...]]:
        log.write_text("")
        cache = checkov_cache(tmp_path / "cache", [str(fake)])
        run = run_checkov(plans, tmp_path / "work", workers=2, cache=cache)
        cache.evict_unused()  # what the pipeline does after a review
        return sorted(log.read_text().split()), {r.key for r in run.results}, run.reused

    everything = {"prod:x.y", "stg:x.y", "dev:x.y"}
    assert review() == (["dev.json", "prod.json", "stg.json"], everything, ())
    assert review() == ([], everything, ("dev", "prod", "stg"))
    plans["stg"].write_text(json.dumps({"stack": "stg", "changed": True}))
    assert review() == (["stg.json"], everything, ("dev", "prod"))
    assert len(list((tmp_path / "cache").glob("*/*.json"))) == 3  # the old stg entry is gone
    for entry in (tmp_path / "cache").glob("*/*.json"):
        entry.write_text("{not json")  # a damaged cache is a miss, never a crash
    assert review() == (["dev.json", "prod.json", "stg.json"], everything, ())


@pytest.mark.synth
@pytest.mark.terraform
@pytest.mark.skipif(shutil.which("uvx") is None, reason="needs uvx to run the pinned checkov")
def test_split_and_cached_scans_give_exactly_the_results_of_one_run(
    sample_plans: dict[str, Any], tmp_path: Path
) -> None:
    """What sharding and the cache rely on: checkov's result for a plan does not depend on the other
    plans scanned with it (one process for all six sample plans == three processes == the cache)."""
    plans = {name: plan.plan_json for name, plan in sample_plans.items()}

    def outcome(
        workers: int, cache: ContentCache | None = None
    ) -> tuple[list[tuple[str, str, bool, str]], int]:
        run = run_checkov(plans, tmp_path / f"work-{workers}", workers=workers, cache=cache)
        return sorted((r.key, r.check_id, r.passed, r.message) for r in run.results), len(run.reused)

    together, _ = outcome(1)
    assert {key.split(":")[0] for key, *_ in together} == set(plans)
    cache = checkov_cache(tmp_path / "cache", ["uvx", "--from", "checkov==3.3.30", "checkov"])
    assert outcome(3, cache) == (together, 0)
    assert outcome(3, cache) == (together, len(plans))


@pytest.mark.skipif(shutil.which("uvx") is None, reason="needs uvx to run the pinned checkov")
def test_a_prewarmed_checkov_gives_the_results_of_checkov_run_as_a_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The forks of the imported worker run checkov's own command line: same results, same failures."""
    plans = {
        "log-archive": FIXTURES / "LZ_LOG_001" / "fail" / "log-archive.plan.json",
        "prod": FIXTURES / "LZ_LOG_001" / "pass" / "prod.plan.json",
    }

    def outcome(run: CheckovRun) -> list[tuple[str, str, bool, str]]:
        return sorted((r.key, r.check_id, r.passed, r.message) for r in run.results)

    monkeypatch.setattr(checkov, "MAX_SCAN_BYTES", 1)  # one scan per plan, one at a time
    with Prewarmed.start(checkov_command(), parallel=1) as prewarmed:
        assert prewarmed.process is not None  # the pinned checkov: the worker runs
        warm = run_checkov(plans, tmp_path / "warm", workers=1, prewarmed=prewarmed)
        assert prewarmed.process is None  # used: its scans were the forks
    assert {log.parent.name for log in (tmp_path / "warm").glob("*/checkov.log")} == {"shard-1", "shard-2"}
    assert outcome(warm) == outcome(run_checkov(plans, tmp_path / "cold"))

    broken = tmp_path / "broken.plan.json"
    broken.write_text(json.dumps({"format_version": "1.2", "planned_values": 1})[:-3])
    with Prewarmed.start(checkov_command()) as prewarmed, pytest.raises(ToolError, match="could not parse"):
        run_checkov({**plans, "broken": broken}, tmp_path / "broken", prewarmed=prewarmed)


def test_a_worker_that_died_leaves_the_scans_to_checkov_processes(tmp_path: Path) -> None:
    """No `ready` from the worker: checkov runs as processes (here: one that is not there)."""
    dead = Prewarmed(subprocess.Popen(["true"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True))
    assert dead.scan([["--version"]], [tmp_path / "log"]) is None
    assert dead.process is None


def test_another_checkov_is_not_prewarmed() -> None:
    with Prewarmed.start(["/opt/checkov/bin/checkov"]) as prewarmed:
        assert prewarmed.process is None


STAND_IN_CHECKOV = """
import json, os, time
class Checkov:
    def __init__(self, argv):
        self.argv = argv
    def run(self):
        started = time.monotonic()
        time.sleep(0.3)
        print(json.dumps({"argv": self.argv, "span": [started, time.monotonic()]}))
        return int(self.argv[0])
"""


@pytest.mark.parametrize("parallel", [1, 2])
def test_the_worker_runs_at_most_its_parallel_scans_at_a_time(tmp_path: Path, parallel: int) -> None:
    """The worker's protocol with a stand-in checkov: every job answered with its exit code and
    output, never more than `parallel` scans alive at once (a scan's memory is bounded, not their sum)."""
    (tmp_path / "checkov").mkdir()
    (tmp_path / "checkov" / "__init__.py").write_text("")
    (tmp_path / "checkov" / "main.py").write_text(STAND_IN_CHECKOV)
    logs = [tmp_path / f"scan-{index}.log" for index in range(5)]
    jobs = "".join(
        json.dumps({"id": index, "argv": [str(index % 2)], "output": str(log)}) + "\n"
        for index, log in enumerate(logs)
    )
    worker = [sys.executable, "-P", str(ROOT / "modules" / "review" / "checkov_worker.py"), str(parallel)]
    done = subprocess.run(
        worker,
        input=jobs,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(tmp_path)},
        check=True,
        timeout=60,
    )
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert lines[0] == {"ready": True}
    assert sorted((line["id"], line["exit"]) for line in lines[1:]) == [
        (index, index % 2) for index in range(5)
    ]
    spans = [json.loads(log.read_text())["span"] for log in logs]
    most = max(sum(1 for start, end in spans if start <= moment < end) for moment, _ in spans)
    assert most == parallel


def test_a_suspended_worker_is_started_again_on_resume() -> None:
    """While a base side is made the worker is stopped (its memory goes to Terraform), then restarted."""
    worker = [sys.executable, "-c", "import sys; print('{\"ready\": true}', flush=True); sys.stdin.read()"]
    with Prewarmed(checkov._spawn(worker), worker) as prewarmed:
        first = prewarmed.process
        assert first is not None
        prewarmed.suspend()
        assert prewarmed.process is None and first.poll() is not None  # stopped, not left running
        prewarmed.resume()
        assert prewarmed.process is not None and prewarmed.process.poll() is None
        assert prewarmed.scan([], []) == []
    never = Prewarmed(None)
    never.suspend()
    never.resume()
    assert never.process is None  # another checkov: nothing to suspend or start
