"""The review's verdict: every result, policy issue and change, and the exit code they imply."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from modules.core.errors import ConfigIssue
from modules.review.change_safety import Change
from modules.review.compliance import Row
from modules.review.errors import EXIT_FINDINGS, EXIT_OK
from modules.review.model import Result


@dataclass
class Review:
    estate: str
    stacks: list[str]
    results: list[Result]
    policy_issues: list[ConfigIssue] = field(default_factory=list)
    changes: dict[str, list[Change]] = field(default_factory=dict)
    sensitive: list[Change] = field(default_factory=list)
    compliance: list[Row] = field(default_factory=list)
    unused_suppressions: list[str] = field(default_factory=list)
    checkov_version: str = ""
    timings: dict[str, float] = field(default_factory=dict)
    reused_plans: list[str] = field(default_factory=list)  # stacks whose plan came from the cache
    reused_checkov: list[str] = field(default_factory=list)  # stacks whose checkov results did
    config_files: dict[str, str] = field(default_factory=dict)  # stack -> YAML file to fix it in
    access: dict[str, Any] = field(default_factory=dict)  # reports/access.py: matrix, catalog version
    prior_state: str = ""  # where the plans' prior state came from (or that there was none)
    removed_stacks: list[str] = field(default_factory=list)  # in the prior state, gone from the config
    # With --changed: stacks not planned again, their results from the judgement cache...
    unchanged: list[str] = field(default_factory=list)
    changed: list[str] | None = None  # ...and the stacks whose config differs from the base's

    @property
    def destructive(self) -> list[Change]:
        """Every destroy, replace and orphaned resource: what a reviewer must see first."""
        return [
            change
            for stack in [*self.stacks, *self.removed_stacks]
            for change in self.changes.get(stack, [])
            if change.action in ("replace", "destroy", "orphan")
        ]

    @property
    def failed(self) -> list[Result]:
        return [result for result in self.results if result.status == "failed"]

    @property
    def suppressed(self) -> list[Result]:
        return [result for result in self.results if result.status == "suppressed"]

    @property
    def passed(self) -> list[Result]:
        return [result for result in self.results if result.status == "passed"]

    @property
    def ok(self) -> bool:
        return not self.failed and not self.policy_issues

    @property
    def exit_code(self) -> int:
        return EXIT_OK if self.ok else EXIT_FINDINGS

    def status_counts(self) -> dict[str, Counter[str]]:
        """Stack -> how many results of each status (every stack of the review, once through)."""
        counts: dict[str, Counter[str]] = {stack: Counter() for stack in self.stacks}
        for result in self.results:
            counts.setdefault(result.stack, Counter())[result.status] += 1
        return counts

    def change_counts(self, stack: str) -> Counter[str]:
        return Counter(change.action for change in self.changes.get(stack, []))

    @property
    def uncovered(self) -> list[str]:
        """Requirements no check proves yet."""
        return [row.requirement.id for row in self.compliance if row.verdict == "no check"]

    def headline(self) -> str:
        verdict = "PASSED" if self.ok else "FAILED"
        unchanged = f" ({len(self.unchanged)} unchanged, cached results)" if self.unchanged else ""
        return (
            f"{verdict}: {len(self.failed)} failed, {len(self.suppressed)} suppressed, "
            f"{len(self.passed)} passed on {len(self.stacks)} stack(s){unchanged}; "
            f"{len(self.policy_issues)} policy issue(s)"
        )
