"""SCP-4 coverage derived from AWS's catalog, not from a hand-written list.

`policies/scp/protected-services.yaml` says what weakens a protected service (verbs and named
actions) and which such actions are allowed, with a reason. Every catalog action that weakens a
protected service is evaluated against the rendered `protect-security-services` SCP (with
FullAWSAccess, as Organizations applies it) for a principal that is not exempt: it must be denied,
or allowed with its reason. An allowed action the SCP denies anyway, or one the catalog no longer
has, is reported too (a stale exception hides the next real gap).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from modules.core.policy_eval import FULL_AWS_ACCESS, Decision, Request, evaluate
from modules.policy_catalog import catalog

PROTECTED_SERVICES_FILE = Path(__file__).resolve().parents[2] / "policies" / "scp" / "protected-services.yaml"
_WRITE_LEVELS = ("Write", "Permissions management", "Tagging")
# Any role the SCP does not exempt: a member account's administrator.
_PRINCIPAL = "arn:aws:iam::444444444444:role/AWSReservedSSO_Administrators_0123456789abcdef"


@dataclass(frozen=True)
class Gap:
    action: str
    problem: str

    def __str__(self) -> str:
        return f"{self.action}: {self.problem}"


def protected_services_rules(path: Path = PROTECTED_SERVICES_FILE) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def weakening_actions(rules: dict[str, Any]) -> list[str]:
    """Every catalog action of the protected services that stops, deletes, disables or weakens one."""
    verbs = tuple(rules["weakening_verbs"])
    named = {name.lower() for name in rules.get("weakening_actions", [])}
    found = []
    for service in rules["services"]:
        for action in catalog.all_actions(service):
            writes = any(level in action.access_level for level in _WRITE_LEVELS)
            if writes and (action.name.startswith(verbs) or action.full_name.lower() in named):
                found.append(action.full_name)
    return sorted(found)


def scp4_gaps(scp_document: dict[str, Any], rules: dict[str, Any] | None = None) -> list[Gap]:
    """What the SCP leaves open without a reason, and exceptions that have gone stale."""
    rules = rules or protected_services_rules()
    allowed = {name.lower(): reason for name, reason in (rules.get("allowed") or {}).items()}
    policies = [FULL_AWS_ACCESS, scp_document]
    gaps = []
    weakening = weakening_actions(rules)
    for action in weakening:
        denied = evaluate(policies, Request(action, "*", principal_arn=_PRINCIPAL)) is Decision.DENY
        if not denied and action.lower() not in allowed:
            gaps.append(
                Gap(action, "weakens a protected service but is neither denied nor allowed with a reason")
            )
        if denied and action.lower() in allowed:
            gaps.append(Gap(action, "listed as allowed, yet the SCP denies it (stale exception)"))
    known = {action.lower() for action in weakening}
    gaps += [
        Gap(name, "listed as allowed, but it is not a weakening action in the pinned catalog")
        for name in sorted(allowed)
        if name not in known
    ]
    return gaps
