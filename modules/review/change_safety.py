"""Change safety: what each plan would create, update, replace or destroy, and whether that is safe.

Rules live in `policies/change_safety.yaml`: which resource types are security-sensitive (listed
by name in the report) and which are protected (destroy or replace fails the review unless an
allow-list entry with reason, owner and expiry covers that exact change).
"""

from __future__ import annotations

import datetime as dt
import fnmatch
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import Field

from modules.core.base import StrictModel
from modules.core.errors import ConfigIssue
from modules.core.yaml_loader import LoadedYaml
from modules.review.model import Result, StackView
from modules.review.policy_files import Justified, governance_issues, load_policy, matches, origin

CHECK_ID = "LZ_CHG_001"
CHECK_TITLE = "Protected resources are neither destroyed nor replaced"
Action = Literal["create", "update", "replace", "destroy", "no-op", "read"]
ACTIONS: tuple[Action, ...] = ("create", "update", "replace", "destroy")


class Protected(StrictModel):
    type: str = Field(min_length=1, description="Resource type or glob, e.g. aws_kms_key.")
    stacks: list[str] = Field(default_factory=lambda: ["*"], description="Stack names or globs.")
    why: str = Field(min_length=1)


class Allowed(Justified):
    resource: str = Field(min_length=1, description="`stack:address` or glob the change applies to.")
    actions: list[Literal["replace", "destroy"]] = Field(min_length=1)


class ChangeSafetyFile(StrictModel):
    sensitive_types: list[str] = Field(default_factory=list, description="Type globs listed by name.")
    protected: list[Protected] = Field(default_factory=list)
    allow: list[Allowed] = Field(default_factory=list)


@dataclass(frozen=True)
class Change:
    stack: str
    address: str
    type: str
    action: Action


@dataclass
class ChangeSafety:
    rules: ChangeSafetyFile
    source: LoadedYaml | None
    issues: list[ConfigIssue] = field(default_factory=list)

    def protection(self, change: Change) -> Protected | None:
        for rule in self.rules.protected:
            in_stack = any(fnmatch.fnmatchcase(change.stack, stack) for stack in rule.stacks)
            if in_stack and fnmatch.fnmatchcase(change.type, rule.type):
                return rule
        return None

    def is_sensitive(self, change: Change) -> bool:
        return any(fnmatch.fnmatchcase(change.type, pattern) for pattern in self.rules.sensitive_types)

    def results(self, changes: list[Change]) -> list[Result]:
        """A failed result per destroy/replace of a protected resource, waived by a valid allow entry."""
        results = []
        for change in changes:
            rule = self.protection(change)
            if rule is None or change.action not in ("replace", "destroy"):
                continue
            result = Result(
                source="change-safety",
                check_id=CHECK_ID,
                title=CHECK_TITLE,
                stack=change.stack,
                address=change.address,
                passed=False,
                message=f"planned {change.action}: {rule.why}",
                severity="CRITICAL",
                guideline="policies/change_safety.yaml",
            )
            results.append(self._waive(result, change.action))
        return results

    def _waive(self, result: Result, action: str) -> Result:
        bad = {issue.field.split(".")[0] for issue in self.issues}
        for index, entry in enumerate(self.rules.allow):
            if f"allow[{index}]" in bad or self.source is None:
                continue
            if action in entry.actions and matches(entry.resource, result):
                return result.waived(entry.waiver(origin(self.source, ("allow", index))))
        return result


def plan_changes(stack: StackView) -> list[Change]:
    """One `Change` per resource change that does something (no-op and reads are left out)."""
    changes = []
    for raw in stack.resource_changes:
        if raw.get("mode", "managed") != "managed":
            continue
        action = _action(list((raw.get("change") or {}).get("actions") or []))
        if action in ACTIONS:
            changes.append(Change(stack.name, raw["address"], raw["type"], action))
    return changes


_SINGLE: dict[str, Action] = {"create": "create", "update": "update", "delete": "destroy", "read": "read"}


def _action(actions: list[str]) -> Action:
    """Terraform's action lists: ["delete", "create"] / ["create", "delete"] are replacements."""
    if "delete" in actions and "create" in actions:
        return "replace"
    return _SINGLE.get(actions[0], "no-op") if len(actions) == 1 else "no-op"


def counts(changes: list[Change]) -> Counter[str]:
    return Counter(change.action for change in changes)


def load_change_safety(path: Path, *, today: dt.date) -> ChangeSafety:
    """Required: without its rules the review could not see a destroyed log bucket."""
    parsed, source = load_policy(path, ChangeSafetyFile)
    issues = governance_issues(list(parsed.allow), source, ("allow",), today)
    return ChangeSafety(parsed, source, issues)
