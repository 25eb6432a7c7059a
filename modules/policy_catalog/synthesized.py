"""SCP chains read from the synthesized organization stack: where Terraform will put each account.

`aws_organizations_account.account_<role>` -> its `parent_id` OU -> that OU's parents -> the root;
the SCPs attached (`aws_organizations_policy_attachment`) to any of them, or to the account id,
with their planned `content`; the RCPs (`rcp_chains`) the same way. The management account (never
a resource here) gets neither: they do not apply to it. Pure data, no cdktf: used by the review's
access-matrix check and report.
"""

from __future__ import annotations

import json
import re
from typing import Any

from modules.core.policy_eval import Policy
from modules.organization.rcp import ORG_ID_STAND_IN

ROOT = "aws_organizations_organization.organization"
_REFERENCE = re.compile(r"^\$\{([a-z0-9_]+\.[A-Za-z0-9_-]+)(?:\.[A-Za-z_\[\]0-9.]+)?\}$")
_ACCOUNT = "aws_organizations_account.account_"
_ORG_ID = "${aws_organizations_organization.organization.id}"


def target(value: Any) -> str:
    """`${aws_organizations_organizational_unit.ou_x.id}` -> its address; literals stay as they are."""
    match = _REFERENCE.match(str(value))
    return match.group(1) if match else str(value)


def _resources(synthesized: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {f"{kind}.{name}": body for name, body in synthesized.get("resource", {}).get(kind, {}).items()}


def ou_chain(synthesized: dict[str, Any], parent_id: Any) -> list[str]:
    """Addresses from the account's parent up to the root (OU names via their `name`)."""
    parents = {
        a: target(b.get("parent_id"))
        for a, b in _resources(synthesized, "aws_organizations_organizational_unit").items()
    }
    chain: list[str] = []
    node = target(parent_id)
    while node in parents and node not in chain:
        chain.append(node)
        node = parents[node]
    return [*chain, ROOT]


def _account_targets(synthesized: dict[str, Any]) -> dict[str, tuple[list[str], set[str]]]:
    """Account address -> (its OU chain up to the root, every target id that reaches it)."""
    imports = {entry.get("to"): entry.get("id") for entry in synthesized.get("import", [])}
    found = {}
    for address, body in _resources(synthesized, "aws_organizations_account").items():
        chain = ou_chain(synthesized, body.get("parent_id"))
        found[address] = (chain, {*chain, address, str(imports.get(address))})
    return found


def _attached(synthesized: dict[str, Any], targets: set[str], policy_type: str) -> list[tuple[str, Policy]]:
    """(name, document) of every policy of `policy_type` attached to one of `targets`. The
    organization id, a reference until apply, reads as the stand-in the RCPs were validated with."""
    policies = _resources(synthesized, "aws_organizations_policy")
    docs = []
    for attachment in _resources(synthesized, "aws_organizations_policy_attachment").values():
        if target(attachment.get("target_id")) not in targets:
            continue
        policy = policies.get(target(attachment.get("policy_id")))
        if policy is None or policy.get("type", "SERVICE_CONTROL_POLICY") != policy_type:
            continue
        content = str(policy["content"]).replace(_ORG_ID, ORG_ID_STAND_IN)
        docs.append((str(policy.get("name")), json.loads(content)))
    return docs


def chains(synthesized: dict[str, Any]) -> dict[str, tuple[str, list[tuple[str, Policy]]]]:
    """Account role -> (OU path as synthesized, [(SCP name, document)]), management included."""
    units = _resources(synthesized, "aws_organizations_organizational_unit")
    found: dict[str, tuple[str, list[tuple[str, Policy]]]] = {"management": ("(root, no SCPs apply)", [])}
    for address, (chain, targets) in _account_targets(synthesized).items():
        names = [str(units[a].get("name")) for a in reversed(chain) if a in units]
        scps = _attached(synthesized, targets, "SERVICE_CONTROL_POLICY")
        found[address.removeprefix(_ACCOUNT)] = ("/".join(names) or "(root)", scps)
    return found


def rcp_chains(synthesized: dict[str, Any]) -> dict[str, list[tuple[str, Policy]]]:
    """Account role -> the RCPs guarding its resources; none for the management account (RCPs, like
    SCPs, do not apply to it)."""
    found: dict[str, list[tuple[str, Policy]]] = {"management": []}
    for address, (_, targets) in _account_targets(synthesized).items():
        found[address.removeprefix(_ACCOUNT)] = _attached(synthesized, targets, "RESOURCE_CONTROL_POLICY")
    return found
