"""Change safety: what each plan would create, update, replace or destroy, and whether that is safe.

Rules live in `policies/change_safety.yaml`: which resource types are security-sensitive (listed
by name in the report) and which are protected. These fail the review unless an allow-list entry
with reason, owner and expiry covers that exact change:

- LZ_CHG_001: a destroy or replace of a protected type, or of a resource the stack marks
  `prevent_destroy` (the offline plan drops the flag so Terraform shows the destroy; applying it
  for real would stop with "Instance cannot be destroyed");
- LZ_CHG_002: any destroy or replace in a production-stage stack;
- LZ_CHG_003: a destroy of a resource whose region (provider) the stack no longer has, which
  Terraform cannot apply ("Provider configuration not present");
- LZ_CHG_004: a stack gone from the config whose state still holds resources: nothing would
  destroy or manage them again (orphaned).
"""

from __future__ import annotations

import datetime as dt
import fnmatch
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from modules.core.base import StrictModel
from modules.core.errors import ConfigIssue
from modules.core.yaml_loader import LoadedYaml
from modules.review import prior_state
from modules.review.model import Result, StackView
from modules.review.policy_files import Justified, governance_issues, load_policy, matches, origin

CHECK_ID = "LZ_CHG_001"
CHECK_TITLE = "Protected resources are neither destroyed nor replaced"
PRODUCTION_ID, PRODUCTION_TITLE = "LZ_CHG_002", "Nothing in a production-stage stack is destroyed or replaced"
REGION_ID, REGION_TITLE = "LZ_CHG_003", "A removed region's resources are destroyed before the region goes"
ORPHAN_ID, ORPHAN_TITLE = "LZ_CHG_004", "A removed stack's resources are not left orphaned"
CHECK_IDS = (CHECK_ID, PRODUCTION_ID, REGION_ID, ORPHAN_ID)
Action = Literal["create", "import", "update", "replace", "destroy", "orphan", "no-op", "read"]
ACTIONS: tuple[Action, ...] = ("create", "import", "update", "replace", "destroy")
DESTRUCTIVE = ("replace", "destroy", "orphan")
STACK_STATE = "(stack state)"  # the address of a result about a whole stack's state
ORPHANS_SHOWN = 5


class Protected(StrictModel):
    type: str = Field(min_length=1, description="Resource type or glob, e.g. aws_kms_key.")
    stacks: list[str] = Field(default_factory=lambda: ["*"], description="Stack names or globs.")
    why: str = Field(min_length=1)


class Allowed(Justified):
    resource: str = Field(min_length=1, description="`stack:address` or glob the change applies to.")
    actions: list[Literal["replace", "destroy", "orphan"]] = Field(min_length=1)


class ChangeSafetyFile(StrictModel):
    sensitive_types: list[str] = Field(default_factory=list, description="Type globs listed by name.")
    protected: list[Protected] = Field(default_factory=list)
    production_stages: list[str] = Field(
        default_factory=lambda: ["production"],
        description="Environment stages in whose stacks every destroy or replace needs an allow entry.",
    )
    allow: list[Allowed] = Field(default_factory=list)


@dataclass(frozen=True)
class Change:
    stack: str
    address: str
    type: str
    action: Action
    replace_paths: tuple[str, ...] = ()  # attributes that force a replacement (Terraform's own)
    region_removed: str = ""  # the provider alias the stack no longer configures
    origin: str = ""  # the YAML key that caused it, where known: `prod.yaml:9:9 network.cidr`


@dataclass(frozen=True)
class ChangeContext:
    """What change safety needs beyond the plans."""

    prevent_destroy: dict[str, frozenset[str]] = field(default_factory=dict)  # stack -> addresses
    production: frozenset[str] = frozenset()  # stacks of production-stage environments


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

    def results(self, changes: list[Change], context: ChangeContext | None = None) -> list[Result]:
        """A failed result per unsafe change (see module doc), waived by a valid allow entry."""
        context = context or ChangeContext()
        results = self._orphans([change for change in changes if change.action == "orphan"])
        for change in changes:
            found = self._judge(change, context)
            if found is None:
                continue
            check_id, title, message = found
            result = Result(
                source="change-safety",
                check_id=check_id,
                title=title,
                stack=change.stack,
                address=change.address,
                passed=False,
                message=message,
                severity="CRITICAL",
                guideline="policies/change_safety.yaml",
            )
            results.append(self._waive(result, change.action))
        return results

    def _orphans(self, changes: list[Change]) -> list[Result]:
        """One result per removed stack (its resources are listed as changes, one by one)."""
        by_stack: dict[str, list[str]] = {}
        for change in changes:
            by_stack.setdefault(change.stack, []).append(change.address)
        return [
            self._waive(
                Result(
                    source="change-safety",
                    check_id=ORPHAN_ID,
                    title=ORPHAN_TITLE,
                    stack=stack,
                    address=STACK_STATE,
                    passed=False,
                    message=_orphan_message(stack, addresses),
                    severity="CRITICAL",
                    guideline="policies/change_safety.yaml",
                ),
                "orphan",
            )
            for stack, addresses in by_stack.items()
        ]

    def _judge(self, change: Change, context: ChangeContext) -> tuple[str, str, str] | None:
        if change.action not in DESTRUCTIVE or change.action == "orphan":
            return None
        if change.region_removed:
            return REGION_ID, REGION_TITLE, _region_message(change)
        why = self._protected_because(change, context)
        if why is not None:
            return CHECK_ID, CHECK_TITLE, f"planned {change.action}{_forced(change)}: {why}"
        if change.stack in context.production:
            why = "a production-stage stack; if intended, add an allow entry with reason, owner, expiry"
            return PRODUCTION_ID, PRODUCTION_TITLE, f"planned {change.action}{_forced(change)}: {why}"
        return None

    def _protected_because(self, change: Change, context: ChangeContext) -> str | None:
        rule = self.protection(change)
        if rule is not None:
            return rule.why
        if change.address in context.prevent_destroy.get(change.stack, frozenset()):
            return (
                "the stack marks it prevent_destroy, so `terraform apply` would stop with "
                "'Instance cannot be destroyed' after applying part of the change"
            )
        return None

    def _waive(self, result: Result, action: str) -> Result:
        bad = {issue.field.split(".")[0] for issue in self.issues}
        for index, entry in enumerate(self.rules.allow):
            if f"allow[{index}]" in bad or self.source is None:
                continue
            if action in entry.actions and matches(entry.resource, result):
                return result.waived(entry.waiver(origin(self.source, ("allow", index))))
        return result


def _forced(change: Change) -> str:
    forced = f"forced by {', '.join(change.replace_paths)}" if change.replace_paths else ""
    caused = f"from {change.origin}" if change.origin else ""
    return f" ({'; '.join(part for part in (forced, caused) if part)})" if forced or caused else ""


def _orphan_message(stack: str, addresses: list[str]) -> str:
    shown = ", ".join(addresses[:ORPHANS_SHOWN]) + (", …" if len(addresses) > ORPHANS_SHOWN else "")
    return (
        f"stack {stack} is no longer in the config but its state holds {len(addresses)} resource(s) "
        f"({shown}): no Terraform run would manage or destroy them again. Destroy the stack first "
        f"(with its config still present: `cdktf destroy {stack}`), or allow the orphaning knowingly"
    )


def _region_message(change: Change) -> str:
    return (
        f"provider aws.{change.region_removed} is no longer configured but the state holds this "
        "resource: `terraform apply` fails with 'Provider configuration not present'. Destroy the "
        "region's resources while it is still configured (or `terraform state rm` what must stay), "
        "then remove the region" + (f" ({change.origin})" if change.origin else "")
    )


def plan_changes(stack: StackView, removed_regions: dict[str, str] | None = None) -> list[Change]:
    """One `Change` per resource change that does something (no-op and reads are left out).

    `removed_regions`: address -> provider alias, for resources made with a provider the stack
    no longer configures.
    """
    changes = []
    adopted = {entry.get("to") for entry in stack.synthesized.get("import", [])}
    for raw in stack.resource_changes:
        if raw.get("mode", "managed") != "managed":
            continue
        body = raw.get("change") or {}
        action = _action(list(body.get("actions") or []))
        if action == "create" and raw["address"] in adopted:
            action = "import"  # adopted existing resource (planned offline without its import)
        if action in ACTIONS:
            paths = tuple(_path(path) for path in body.get("replace_paths") or [])
            region = (removed_regions or {}).get(raw["address"], "") if action == "destroy" else ""
            changes.append(Change(stack.name, raw["address"], raw["type"], action, paths, region))
    return changes


def orphaned(stack: str, state: Mapping[str, Any]) -> list[Change]:
    """The resources of a stack that is gone from the config while its state still holds them."""
    return [
        Change(stack, address, resource_type, "orphan")
        for address, resource_type in prior_state.state_addresses(state)
    ]


def _path(steps: list[object]) -> str:
    """Terraform's replace path (`["rule", 0, "days"]`) as `rule[0].days`."""
    text = ""
    for step in steps:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else str(step))
    return text


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
