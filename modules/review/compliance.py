"""The compliance map: requirement -> modules -> checks -> verdict per stack.

`policies/compliance/baseline.yaml` is the project's own copy of the requirement catalog (IDs and
short titles). Which framework a check serves is data here, not code in the check.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import Field

from modules.core.base import StrictModel
from modules.core.errors import ConfigError, ConfigIssue
from modules.core.yaml_loader import LoadedYaml
from modules.review.model import Result
from modules.review.policy_files import load_policy

Implementation = Literal["implemented", "partial", "planned", "not-applicable"]
Verdict = Literal["pass", "fail", "suppressed", "not evaluated", "no check"]


class Requirement(StrictModel):
    id: str = Field(pattern=r"^[A-Z]{2,4}-\d+$")
    title: str = Field(min_length=3)
    status: Implementation
    modules: list[str] = Field(default_factory=list, description="Where it is implemented.")
    checks: list[str] = Field(default_factory=list, description="checkov or LZ_ check IDs proving it.")
    note: str = ""


class Baseline(StrictModel):
    requirements: list[Requirement] = Field(min_length=1)


@dataclass(frozen=True)
class Row:
    requirement: Requirement
    verdict: Verdict
    per_stack: dict[str, Verdict]
    failing: list[Result]


def load_baseline(path: Path) -> tuple[Baseline, LoadedYaml]:
    baseline, source = load_policy(path, Baseline)
    seen: dict[str, int] = {}
    duplicates = []
    for index, requirement in enumerate(baseline.requirements):
        if requirement.id in seen:
            duplicates.append(
                source.issue(
                    ("requirements", index, "id"),
                    f"{requirement.id} is listed twice (first as requirements[{seen[requirement.id]}])",
                )
            )
        seen.setdefault(requirement.id, index)
    if duplicates:
        raise ConfigError(duplicates)
    return baseline, source


def consistency_issues(baseline: Baseline, source: LoadedYaml, check_ids: Iterable[str]) -> list[ConfigIssue]:
    """The map is the one place that says which requirement a check proves: every LZ_ ID it cites
    is a check, and every check proves something (a check nothing cites would pass unseen)."""
    issues = []
    known = set(check_ids)
    cited: set[str] = set()
    for index, requirement in enumerate(baseline.requirements):
        for position, check_id in enumerate(requirement.checks):
            cited.add(check_id)
            if check_id.startswith("LZ_") and check_id not in known:
                loc = ("requirements", index, "checks", position)
                issues.append(source.issue(loc, f"{check_id} is not a check in policies/checks/"))
    for check_id in sorted(known - cited):
        issues.append(
            source.issue(
                ("requirements",),
                f"{check_id} proves no requirement: list it under the `checks` of the requirement it proves",
            )
        )
    return issues


def proven_by(baseline: Baseline) -> dict[str, tuple[str, ...]]:
    """Check ID -> the requirements it proves, read off the map."""
    proofs: dict[str, list[str]] = {}
    for requirement in baseline.requirements:
        for check_id in requirement.checks:
            proofs.setdefault(check_id, []).append(requirement.id)
    return {check_id: tuple(ids) for check_id, ids in proofs.items()}


def _verdict(results: Iterable[Result]) -> Verdict:
    statuses = {result.status for result in results}
    if not statuses:
        return "not evaluated"
    if "failed" in statuses:
        return "fail"
    return "suppressed" if "suppressed" in statuses else "pass"


def evaluate(baseline: Baseline, results: list[Result], stacks: list[str]) -> list[Row]:
    # Each requirement's results in the review's order, found by check id (not a pass over every
    # result per requirement and stack: 100 environments have ~30,000 results).
    by_check: dict[str, list[int]] = {}
    for index, result in enumerate(results):
        by_check.setdefault(result.check_id, []).append(index)
    rows = []
    for requirement in baseline.requirements:
        found = sorted(index for check in set(requirement.checks) for index in by_check.get(check, []))
        mine = [results[index] for index in found]
        by_stack: dict[str, list[Result]] = {}
        for result in mine:
            by_stack.setdefault(result.stack, []).append(result)
        per_stack = {stack: _verdict(by_stack.get(stack, [])) for stack in stacks}
        verdict: Verdict = "no check" if not requirement.checks else _verdict(mine)
        rows.append(Row(requirement, verdict, per_stack, [r for r in mine if r.status == "failed"]))
    return rows
