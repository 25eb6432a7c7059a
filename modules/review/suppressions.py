"""`policies/suppressions.yaml`: the one place a failed check may be accepted, with its reason.

JSON plans carry no inline skip comments, so every exception lives here, for checkov IDs and
ours alike. A suppressed result stays in every report, marked suppressed, with the reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import Field

from modules.core.base import StrictModel
from modules.core.errors import ConfigIssue
from modules.core.yaml_loader import LoadedYaml
from modules.review.model import Result
from modules.review.policy_files import Justified, governance_issues, load_policy, matches, origin


class Suppression(Justified):
    check: str = Field(pattern=r"^[A-Z][A-Z0-9_]+$", description="checkov ID (CKV_AWS_…) or ours (LZ_…).")
    resource: str = Field(
        min_length=1, description="Address or glob, optionally `stack:`-qualified: `prod:aws_s3_bucket.*`."
    )


class SuppressionsFile(StrictModel):
    suppressions: list[Suppression] = Field(default_factory=list)


@dataclass
class Suppressions:
    entries: list[Suppression]
    source: LoadedYaml | None
    issues: list[ConfigIssue] = field(default_factory=list)

    def apply(self, results: Iterable[Result]) -> list[Result]:
        """Waive failed results an entry covers (valid entries only: a bad entry waives nothing)."""
        bad = {issue.field.split(".")[0] for issue in self.issues}
        applied = []
        for result in results:
            waiver = None
            if not result.passed and self.source is not None:
                for index, entry in enumerate(self.entries):
                    if f"suppressions[{index}]" in bad:
                        continue
                    if entry.check == result.check_id and matches(entry.resource, result):
                        waiver = entry.waiver(origin(self.source, ("suppressions", index)))
                        break
            applied.append(result.waived(waiver) if waiver else result)
        return applied

    def unused(self, results: Iterable[Result]) -> list[str]:
        """Entries that match no failed result any more: candidates for deletion."""
        failed = [result for result in results if not result.passed]
        return [
            f"{entry.check} {entry.resource}"
            for entry in self.entries
            if not any(entry.check == r.check_id and matches(entry.resource, r) for r in failed)
        ]


def load_suppressions(path: Path, *, today: dt.date) -> Suppressions:
    """A missing file means no suppressions; a malformed one is bad input (ConfigError)."""
    if not path.exists():
        return Suppressions([], None)
    parsed, source = load_policy(path, SuppressionsFile)
    issues = governance_issues(list(parsed.suppressions), source, ("suppressions",), today)
    return Suppressions(list(parsed.suppressions), source, issues)
