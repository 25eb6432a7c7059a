"""checkov on the plan JSON of every stack, in its own environment.

checkov conflicts with our dependencies, so it runs through `uvx` at a pinned version (or the
command in $LZ_CHECKOV). It can crash on a file and still exit 0; a parse error, a missing
report, zero checks run or a stack with no result is therefore a tool failure, never green.

checkov scans files one after another on one core, so the plans are split between a few checkov
processes run side by side (a check reads one plan file: results do not depend on which files
are scanned together; tests/review/test_checkov.py proves it on the sample). With a cache
(`checkov_cache`), a plan checkov has already scanned (same bytes, same checkov) is not scanned
again; which entries a review keeps is the pipeline's decision.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shlex
import shutil
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
    plans: Mapping[str, Path], work_dir: Path, *, workers: int = 2, cache: ContentCache | None = None
) -> CheckovRun:
    """Scan every stack's plan (split between `workers` checkov processes); parse and vet the
    reports. With `cache`, plans scanned before are taken from it and only the others scanned."""
    checkov = checkov_command()
    shutil.rmtree(work_dir, ignore_errors=True)
    cached = {stack: _restore(cache, stack, path) for stack, path in plans.items()} if cache else {}
    reused = {stack: section for stack, section in cached.items() if section is not None}
    to_scan = {stack: path for stack, path in plans.items() if stack not in reused}
    shards = split_evenly(to_scan, workers)
    with ThreadPoolExecutor(max_workers=max(1, len(shards))) as pool:
        scanned = list(
            pool.map(lambda n: _scan(checkov, shards[n], work_dir / f"shard-{n + 1}"), range(len(shards)))
        )
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


def _scan(checkov: list[str], plans: Mapping[str, Path], work_dir: Path) -> Any:
    """One checkov process on `plans`: its raw JSON report."""
    scan_dir, out_dir = work_dir / "plans", work_dir / "report"
    stage_plans(plans, scan_dir)
    command = [
        *checkov,
        *("--directory", str(scan_dir), "--framework", "terraform_plan"),
        *("--output", "json", "--output-file-path", str(out_dir)),
        "--compact",  # no code blocks: each would repeat the whole one-line plan (a 4x larger report)
        "--skip-download",  # no calls to Prisma Cloud; the pinned version's checks only
    ]
    try:
        completed = subprocess.run(
            command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False
        )
    except subprocess.TimeoutExpired:
        raise ToolError(f"checkov did not finish within {TIMEOUT_SECONDS} s") from None
    report = out_dir / "results_json.json"
    # checkov exits 1 when a check fails; anything else (or no report) means it did not do its job.
    if completed.returncode not in (0, 1) or not report.is_file():
        tail = "\n".join((completed.stderr + completed.stdout).strip().splitlines()[-15:])
        raise ToolError(f"checkov failed (exit {completed.returncode}) without a report:\n{tail}")
    return json.loads(report.read_text(encoding="utf-8"))


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
