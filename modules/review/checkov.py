"""checkov on the plan JSON of every stack, in one run, in its own environment.

checkov conflicts with our dependencies, so it runs through `uvx` at a pinned version (or the
command in $LZ_CHECKOV). It can crash on a file and still exit 0; a parse error, a missing
report, zero checks run or a stack with no result is therefore a tool failure, never green.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from modules.review.model import Result
from modules.review.terraform import ToolError

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


def run_checkov(plans: Mapping[str, Path], work_dir: Path) -> CheckovRun:
    """Scan every stack's plan in one checkov process; parse and vet its report."""
    checkov = checkov_command()
    scan_dir, out_dir = work_dir / "plans", work_dir / "report"
    stage_plans(plans, scan_dir)
    shutil.rmtree(out_dir, ignore_errors=True)
    command = [
        *checkov,
        *("--directory", str(scan_dir), "--framework", "terraform_plan"),
        *("--output", "json", "--output-file-path", str(out_dir)),
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
    return parse_report(json.loads(report.read_text(encoding="utf-8")), expected_stacks=set(plans))


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
    evaluated = (item.get("check_result") or {}).get("evaluated_keys") or []
    return Result(
        source="checkov",
        check_id=str(item["check_id"]),
        title=str(item.get("check_name") or item["check_id"]),
        stack=Path(str(item.get("file_path", "unknown"))).stem,
        address=str(item.get("resource_address") or item.get("resource") or "?"),
        passed=passed,
        message="" if passed else f"evaluated: {', '.join(map(str, evaluated))}" if evaluated else "",
        severity=str(item.get("severity") or "MEDIUM").upper(),
        guideline=str(item.get("guideline") or ""),
    )
