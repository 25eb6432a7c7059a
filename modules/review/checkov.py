"""checkov on the plan JSON of every stack, in its own environment.

checkov conflicts with our dependencies, so it runs through `uvx` at a pinned version (or the
command in $LZ_CHECKOV). It can crash on a file and still exit 0; a parse error, a missing
report, zero checks run or a stack with no result is therefore a tool failure, never green.

checkov scans files one after another on one core, so the plans are split between a few checkov
processes run side by side, each given at most `MAX_SCAN_BYTES` of plans: a scan holds what it
parsed until it ends, so its memory does not grow with the estate (a check reads one plan file:
results do not depend on which files are scanned together; tests/review/test_checkov.py proves
it on the sample). With a cache
(`checkov_cache`), a plan checkov has already scanned (same bytes, same checkov) is not scanned
again; which entries a review keeps is the pipeline's decision.

Most of a small scan is checkov importing itself (~7 s CPU): `Prewarmed` starts checkov's import
early (modules/review/checkov_worker.py, in checkov's own environment) so that the scans, forks
of the imported process, start at once. It runs the same checkov the same way; if the worker is
not there (another checkov behind $LZ_CHECKOV, a worker that died), the scans run as processes.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import math
import os
import shlex
import shutil
import signal
import subprocess
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from modules.review.content_cache import ContentCache
from modules.review.errors import ToolError
from modules.review.model import Result

CHECKOV_VERSION = "3.3.30"
CHECKOV_ENV = "LZ_CHECKOV"
DEFAULT_COMMAND = ("uvx", "--from", f"checkov=={CHECKOV_VERSION}", "checkov")
TIMEOUT_SECONDS = 900
WORKER = Path(__file__).with_name("checkov_worker.py")
# A scan of this much plan JSON peaks at ~400 MiB (measured: 16 environment plans, 6 MB, 351 MiB).
MAX_SCAN_BYTES = 8 * 1024**2


@dataclass(frozen=True)
class CheckovRun:
    results: list[Result]
    version: str
    checks_run: int
    seconds: float = 0.0
    reused: tuple[str, ...] = ()  # stacks whose results came from the cache (plan unchanged)


def checkov_command() -> list[str]:
    configured = os.environ.get(CHECKOV_ENV)
    command = shlex.split(configured) if configured else list(DEFAULT_COMMAND)
    if not command or shutil.which(command[0]) is None:
        hint = (
            f"${CHECKOV_ENV}='{configured}'"
            if configured
            else "uvx (from uv: `pip install uv`) to run checkov in its own environment"
        )
        raise ToolError(
            f"checkov is not available: {command[0] if command else '(empty)'} not found; need {hint}"
        )
    return command


def stage_plans(plans: Mapping[str, Path], scan_dir: Path) -> None:
    """One file per stack, named after it, so every result names its stack."""
    shutil.rmtree(scan_dir, ignore_errors=True)
    scan_dir.mkdir(parents=True)
    for stack, plan_json in plans.items():
        shutil.copyfile(plan_json, scan_dir / f"{stack}.json")


def checkov_cache(directory: Path, command: list[str]) -> ContentCache:
    """checkov's results per stack's plan, keyed by the plan's bytes and the checkov used."""
    identity = hashlib.sha256(json.dumps([CHECKOV_VERSION, *command]).encode())
    executable = shutil.which(command[0]) if command else None
    if executable is not None:  # a checkov installed anew (e.g. behind $LZ_CHECKOV) is new
        stat = Path(executable).stat()
        identity.update(f"{executable}\0{stat.st_size}\0{stat.st_mtime_ns}".encode())
    return ContentCache(directory, identity.hexdigest())


def _restore(cache: ContentCache, stack: str, plan_json: Path) -> dict[str, Any] | None:
    entry = cache.get(stack, [(stack, plan_json.read_bytes())])
    if entry is None:
        return None
    try:
        section = json.loads(entry.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # unreadable (edited by hand?): scan the plan again
    return section if isinstance(section, dict) else None


def _store(cache: ContentCache, stack: str, plan_json: Path, section: dict[str, Any]) -> None:
    cache.put(stack, [(stack, plan_json.read_bytes())], json.dumps(section).encode())


def run_checkov(
    plans: Mapping[str, Path],
    work_dir: Path,
    *,
    workers: int = 2,
    cache: ContentCache | None = None,
    prewarmed: Prewarmed | None = None,
) -> CheckovRun:
    """Scan every stack's plan (split between `workers` checkov processes); parse and vet the
    reports. With `cache`, plans scanned before are taken from it and only the others scanned;
    with `prewarmed`, the scans are forks of its already imported checkov."""
    checkov = checkov_command()
    shutil.rmtree(work_dir, ignore_errors=True)
    cached = {stack: _restore(cache, stack, path) for stack, path in plans.items()} if cache else {}
    reused = {stack: section for stack, section in cached.items() if section is not None}
    to_scan = {stack: path for stack, path in plans.items() if stack not in reused}
    size = sum(path.stat().st_size for path in to_scan.values())
    shards = split_evenly(to_scan, max(workers, math.ceil(size / MAX_SCAN_BYTES)))
    jobs = [_job(shard, work_dir / f"shard-{n + 1}") for n, shard in enumerate(shards)]
    codes = (
        prewarmed.scan([job.argv for job in jobs], [job.log for job in jobs]) if prewarmed and jobs else None
    )
    if codes is None:
        with ThreadPoolExecutor(max_workers=max(1, min(workers, len(jobs)))) as pool:
            codes = list(pool.map(lambda job: _run(checkov, job), jobs))
    scanned = [_report(job, code) for job, code in zip(jobs, codes, strict=True)]
    sections = [section for raw in scanned for section in _sections(raw)]
    run = parse_report([*sections, *reused.values()], expected_stacks=set(plans))
    if cache is not None:
        for stack, section in _stack_sections(sections, to_scan).items():
            _store(cache, stack, to_scan[stack], section)
    return dataclasses.replace(run, reused=tuple(sorted(reused)))


def split_evenly(plans: Mapping[str, Path], parts: int) -> list[dict[str, Path]]:
    """At most `parts` non-empty groups of about equal bytes (checkov's time grows with size)."""
    groups: list[dict[str, Path]] = [{} for _ in range(max(1, min(parts, len(plans))))]
    sizes = [0] * len(groups)
    for stack, path in sorted(plans.items(), key=lambda item: -item[1].stat().st_size):
        smallest = sizes.index(min(sizes))
        groups[smallest][stack] = path
        sizes[smallest] += path.stat().st_size
    return [group for group in groups if group]


@dataclass(frozen=True)
class _Job:
    """One checkov scan: its arguments (after the command), its report and its console output."""

    argv: list[str]
    report: Path
    log: Path


def _job(plans: Mapping[str, Path], work_dir: Path) -> _Job:
    scan_dir, out_dir = work_dir / "plans", work_dir / "report"
    stage_plans(plans, scan_dir)
    argv = [
        *("--directory", str(scan_dir), "--framework", "terraform_plan"),
        *("--output", "json", "--output-file-path", str(out_dir)),
        "--compact",  # no code blocks: each would repeat the whole one-line plan (a 4x larger report)
        "--skip-download",  # no calls to Prisma Cloud; the pinned version's checks only
    ]
    return _Job(argv, out_dir / "results_json.json", work_dir / "checkov.log")


def _run(checkov: list[str], job: _Job) -> int:
    """One checkov process for `job`; its exit code (its output in the job's log)."""
    try:
        with job.log.open("w", encoding="utf-8") as log:
            completed = subprocess.run(
                [*checkov, *job.argv],
                stdout=log,
                stderr=subprocess.STDOUT,
                timeout=TIMEOUT_SECONDS,
                check=False,
            )
    except subprocess.TimeoutExpired:
        raise ToolError(f"checkov did not finish within {TIMEOUT_SECONDS} s") from None
    return completed.returncode


def _report(job: _Job, code: int) -> Any:
    """The job's raw JSON report, vetted."""
    # checkov exits 1 when a check fails; anything else (or no report) means it did not do its job.
    if code not in (0, 1) or not job.report.is_file():
        output = job.log.read_text(encoding="utf-8", errors="replace") if job.log.is_file() else ""
        tail = "\n".join(output.strip().splitlines()[-15:])
        raise ToolError(f"checkov failed (exit {code}) without a report:\n{tail}")
    return json.loads(job.report.read_text(encoding="utf-8"))


class Prewarmed:
    """checkov's import started ahead of the scans (modules/review/checkov_worker.py).

    Only for the pinned checkov run by uvx: another command behind $LZ_CHECKOV is not known to
    have a Python to run the worker with, and runs as processes.
    """

    def __init__(self, process: subprocess.Popen[str] | None, restart: list[str] | None = None) -> None:
        self.process = process
        self.restart = restart  # the worker's command line, to start it again after `suspend`
        self.suspended = False

    @classmethod
    def start(cls, command: list[str], *, parallel: int = 2) -> Prewarmed:
        """The worker for `command`, running at most `parallel` scans at a time."""
        if tuple(command) != DEFAULT_COMMAND:
            return cls(None)
        # -P: the worker's folder is not on sys.path (its checkov.py would shadow checkov)
        worker = [*DEFAULT_COMMAND[:-1], "python", "-P", str(WORKER), str(max(1, parallel))]
        return cls(_spawn(worker), worker)

    def suspend(self) -> None:
        """Stop the worker for a long phase without scans (making a base side): its memory goes
        to the Terraform runs. `resume` starts it again."""
        if self.process is not None:
            self.close()
            self.suspended = True

    def resume(self) -> None:
        if self.suspended and self.restart is not None:
            self.process, self.suspended = _spawn(self.restart), False

    def scan(self, argvs: list[list[str]], logs: list[Path]) -> list[int] | None:
        """Exit codes of the scans, run side by side; None if the worker cannot run them."""
        process, self.process = self.process, None
        if process is None:
            return None
        jobs = "".join(
            json.dumps({"id": index, "argv": argv, "output": str(log)}) + "\n"
            for index, (argv, log) in enumerate(zip(argvs, logs, strict=True))
        )
        for log in logs:
            log.parent.mkdir(parents=True, exist_ok=True)
        try:
            out, _ = process.communicate(jobs, timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            _stop(process)
            raise ToolError(f"checkov did not finish within {TIMEOUT_SECONDS} s") from None
        except OSError:  # the worker died before reading its jobs
            _stop(process)
            return None
        lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
        if not lines or lines[0] != {"ready": True}:
            return None  # the worker never got checkov imported: run checkov itself, which says why
        codes = {int(line["id"]): int(line["exit"]) for line in lines[1:] if "exit" in line}
        return [codes.get(index, 2) for index in range(len(argvs))]

    def close(self) -> None:
        """Stop a worker that got no scans (every result came from the cache)."""
        process, self.process = self.process, None
        if process is not None:
            _stop(process)

    def __enter__(self) -> Prewarmed:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def _spawn(worker: list[str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        worker,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,  # its own process group: stopped with uvx's child and the scans
    )


def _stop(process: subprocess.Popen[str]) -> None:
    with contextlib.suppress(ProcessLookupError):  # already gone
        os.killpg(process.pid, signal.SIGKILL)
    process.communicate()


def _stack_sections(sections: list[dict[str, Any]], stacks: Iterable[str]) -> dict[str, dict[str, Any]]:
    """checkov's report split per stack's plan (one pass), each in the report's own shape."""
    version = "unknown"
    results: dict[str, dict[str, list[Any]]] = {
        stack: {"passed_checks": [], "failed_checks": []} for stack in stacks
    }
    for section in sections:
        version = str(section.get("summary", section).get("checkov_version", version))
        body = section.get("results") or {}
        for key in ("passed_checks", "failed_checks"):
            for item in body.get(key) or []:
                stack = _stack_of(item)
                if stack in results:
                    results[stack][key].append(item)
    summary = {"checkov_version": version}
    return {
        stack: {"check_type": "terraform_plan", "summary": summary, "results": found}
        for stack, found in results.items()
    }


def _sections(raw: Any) -> list[dict[str, Any]]:
    """checkov writes one object per framework, a list of them, or a bare summary if nothing ran."""
    sections = raw if isinstance(raw, list) else [raw]
    if not all(isinstance(section, dict) for section in sections):
        raise ToolError("checkov report is not the expected JSON (a mapping per framework)")
    return sections


def parse_report(raw: Any, *, expected_stacks: set[str]) -> CheckovRun:
    results: list[Result] = []
    parsing_errors: list[str] = []
    version = "unknown"
    for section in _sections(raw):
        summary = section.get("summary", section)
        version = str(summary.get("checkov_version", version))
        body = section.get("results") or {}
        parsing_errors.extend(body.get("parsing_errors") or [])
        if summary.get("parsing_errors") and not body.get("parsing_errors"):
            parsing_errors.append(f"{summary['parsing_errors']} file(s)")
        for key, passed in (("passed_checks", True), ("failed_checks", False)):
            results.extend(_result(item, passed) for item in body.get(key) or [])
    if parsing_errors:
        raise ToolError(f"checkov could not parse: {', '.join(map(str, parsing_errors))}")
    if not results:
        raise ToolError("checkov ran zero checks on the plans (nothing was verified)")
    silent = sorted(expected_stacks - {result.stack for result in results})
    if silent:
        raise ToolError(f"checkov reported nothing for stack(s) {', '.join(silent)} (not scanned?)")
    return CheckovRun(results, version, len(results))


def _result(item: dict[str, Any], passed: bool) -> Result:
    # Sorted: graph checks list them in no fixed order, and a report must not change by itself.
    evaluated = sorted(map(str, (item.get("check_result") or {}).get("evaluated_keys") or []))
    return Result(
        source="checkov",
        check_id=str(item["check_id"]),
        title=str(item.get("check_name") or item["check_id"]),
        stack=_stack_of(item),
        address=str(item.get("resource_address") or item.get("resource") or "?"),
        passed=passed,
        message="" if passed else f"evaluated: {', '.join(evaluated)}" if evaluated else "",
        severity=str(item.get("severity") or "MEDIUM").upper(),
        guideline=str(item.get("guideline") or ""),
    )


def _stack_of(item: dict[str, Any]) -> str:
    return Path(str(item.get("file_path", "unknown"))).stem
