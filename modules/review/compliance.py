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
    issue: int | None = Field(default=None, description="Issue that implements or will implement it.")
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


def consistency_issues(
    baseline: Baseline, source: LoadedYaml, check_requirements: dict[str, tuple[str, ...]]
) -> list[ConfigIssue]:
    """Our checks and the map agree: every LZ_ ID in the map exists; every check's requirements
    are in the map and list it (so the map cannot silently lose a proof)."""
    issues = []
    by_id = {requirement.id: index for index, requirement in enumerate(baseline.requirements)}
    for index, requirement in enumerate(baseline.requirements):
        for position, check_id in enumerate(requirement.checks):
            if check_id.startswith("LZ_") and check_id not in check_requirements:
                loc = ("requirements", index, "checks", position)
                issues.append(source.issue(loc, f"{check_id} is not a check in policies/checks/"))
    for check_id, requirement_ids in sorted(check_requirements.items()):
        for requirement_id in requirement_ids:
            index_or_none = by_id.get(requirement_id)
            if index_or_none is None:
                issues.append(
                    source.issue(("requirements",), f"{check_id} cites {requirement_id}, which is not listed")
                )
            elif check_id not in baseline.requirements[index_or_none].checks:
                issues.append(
                    source.issue(
                        ("requirements", index_or_none, "checks"),
                        f"{check_id} proves {requirement_id} (says the check) but is not listed here",
                    )
                )
    return issues


def _verdict(results: Iterable[Result]) -> Verdict:
    statuses = {result.status for result in results}
    if not statuses:
        return "not evaluated"
    if "failed" in statuses:
        return "fail"
    return "suppressed" if "suppressed" in statuses else "pass"


def evaluate(baseline: Baseline, results: list[Result], stacks: list[str]) -> list[Row]:
    rows = []
    for requirement in baseline.requirements:
        mine = [result for result in results if result.check_id in requirement.checks]
        per_stack = {stack: _verdict(r for r in mine if r.stack == stack) for stack in stacks}
        verdict: Verdict = "no check" if not requirement.checks else _verdict(mine)
        rows.append(Row(requirement, verdict, per_stack, [r for r in mine if r.status == "failed"]))
    return rows
