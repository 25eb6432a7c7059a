"""The access matrix: sensitive actions evaluated per account and principal, as AWS would decide.

For every account (the management account and each member, at the OU the synthesized Terraform
puts it in: `guardrails.placements`) and every principal that exists there, each probe of
`policies/access-probes.yaml` is evaluated under the SCP chain (Root, each OU above the account,
the account itself; none in the management account) together with the principal's identity
policies (AWS's real managed documents plus the inline policy; AdministratorAccess for the
workload, deployment and break-glass roles; everything for the root user), and on the resource
side under the RCPs reaching the account that owns the resource (ORG-6). The `outsider` principal
(an administrator of an account outside the organization) is evaluated only where a probe names
it: SCPs are not ours to apply to it, so only the RCPs stand between it and our resources (a
resource policy that would also have to let it in is not modelled: the perimeter must hold alone).
An Allow the probe does not expect is a finding naming the statement that allowed it. Pure Python,
no cdktf.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from modules.core.policy_eval import (
    FULL_AWS_ACCESS,
    ContextValue,
    Decision,
    Policy,
    PolicyError,
    Request,
    evaluate,
    matching_statements,
)
from modules.core.rcp_eval import denying_rcp
from modules.organization.rcp import ORG_ID_STAND_IN

if TYPE_CHECKING:
    from modules.config.models import Estate

PROBES_FILE = Path(__file__).resolve().parents[2] / "policies" / "access-probes.yaml"
MANAGEMENT = "management"
_SSO_SUFFIX = "0123456789abcdef"  # Identity Center appends a random suffix to its role names
FIXED_PRINCIPALS = ("workload-admin", "root", "deployment", "break-glass")
OUTSIDER = "outsider"
OUTSIDER_ACCOUNT = "999999999999"
OUTSIDER_ORG_ID = "o-outsider000"


@dataclass(frozen=True)
class Probe:
    id: str
    requirement: str
    action: str
    resource: str
    region: str | None
    context: dict[str, Any]
    principals: tuple[str, ...]
    allow: tuple[str, ...]
    accounts: str | tuple[str, ...]  # members | all | the account roles it is about
    resource_owner: str | None = None  # account role owning the resource (default: the row's)

    def applies_to(self, kind: str, account_role: str) -> bool:
        if self.accounts == "members" and account_role == MANAGEMENT:
            return False
        if isinstance(self.accounts, tuple) and account_role not in self.accounts:
            return False
        if kind == OUTSIDER:  # never part of "*": most probes are calls only our principals can make
            return OUTSIDER in self.principals
        return "*" in self.principals or kind in self.principals


@dataclass(frozen=True)
class Principal:
    name: str  # Operators, BillingApps-Dev, deployment
    kind: str  # the probe vocabulary: a job role (Apps for every <App>Apps) or a fixed principal
    arn: str
    policies: tuple[tuple[str, Policy], ...]  # (label, document)
    application: str | None = None


@dataclass(frozen=True)
class Cell:
    account: str  # account role
    ou: str
    principal: str
    probe: str
    requirement: str
    decision: str  # Allow, Deny, NotAllowed, Error
    expected_allow: bool
    because: str  # the statement that decided (SCP deny or identity allow), if any

    @property
    def unexpected(self) -> bool:
        return self.decision == "Error" or (self.decision == "Allow" and not self.expected_allow)


@dataclass
class AccessMatrix:
    cells: list[Cell] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rcps_evaluated: bool = False

    @property
    def findings(self) -> list[Cell]:
        return [cell for cell in self.cells if cell.unexpected]

    def as_json(self) -> dict[str, Any]:
        return {
            "notes": self.notes,
            "rcps_evaluated": self.rcps_evaluated,
            "findings": len(self.findings),
            "cells": [{**cell.__dict__, "unexpected": cell.unexpected} for cell in self.cells],
        }


def load_probes(path: Path = PROBES_FILE) -> list[Probe]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [
        Probe(
            id=entry["id"],
            requirement=entry["requirement"],
            action=entry["action"],
            resource=entry.get("resource", "*"),
            region=entry.get("region"),
            context=dict(entry.get("context") or {}),
            principals=tuple(entry["principals"]),
            allow=tuple(entry.get("allow") or ()),
            accounts=_accounts(entry.get("accounts", "members")),
            resource_owner=entry.get("resource_owner"),
        )
        for entry in data.get("probes", [])
    ]


def _accounts(value: Any) -> str | tuple[str, ...]:
    return tuple(value) if isinstance(value, list) else str(value)


def _admin(label: str) -> tuple[tuple[str, Policy], ...]:
    from modules.identity_center.managed import managed_policy

    return ((f"{label} AdministratorAccess", managed_policy("AdministratorAccess").document),)


def _principals(estate: Estate, account_role: str, account_id: str) -> list[Principal]:
    from modules.identity_center.managed import managed_policy
    from modules.identity_center.permission_sets import assignments, permission_sets

    org = estate.organization
    by_name = {ps.name: ps for ps in permission_sets(estate)}
    assigned = sorted({a.permission_set for a in assignments(estate) if a.environment == account_role})
    found = []
    for name in assigned:
        ps = by_name.get(name)
        if ps is None:
            continue
        policies = [(f"managed:{path}", managed_policy(path).document) for path in ps.managed_policies]
        if ps.inline_policy is not None:
            policies.append((f"inline:{ps.template}.json.j2 ({ps.name})", ps.inline_policy))
        arn = (
            f"arn:aws:iam::{account_id}:role/aws-reserved/sso.amazonaws.com/{org.home_region}/"
            f"AWSReservedSSO_{ps.name}_{_SSO_SUFFIX}"
        )
        kind = "Apps" if ps.job_role == "Apps" else ps.job_role
        found.append(Principal(ps.name, kind, arn, tuple(policies), ps.application))
    role = f"arn:aws:iam::{account_id}:role"
    found.append(
        Principal("workload-admin", "workload-admin", f"{role}/workload/AppAdministrator", _admin("workload"))
    )
    if account_role != MANAGEMENT:
        root_policy = (("root user (implicit full access)", FULL_AWS_ACCESS),)
        found.append(Principal("root", "root", f"arn:aws:iam::{account_id}:root", root_policy))
    found.append(
        Principal("deployment", "deployment", f"{role}/{org.deployment.role_name}", _admin("deployment"))
    )
    for name in org.deployment.break_glass_role_names:
        found.append(
            Principal(f"break-glass ({name})", "break-glass", f"{role}/{name}", _admin("break-glass"))
        )
    outsider = f"arn:aws:iam::{OUTSIDER_ACCOUNT}:role/OutsideAdministrator"
    found.append(Principal(OUTSIDER, OUTSIDER, outsider, _admin("outsider's own")))
    return found


def _caller_context(principal: Principal, account_id: str) -> dict[str, ContextValue]:
    """The global keys AWS sets for every call: who is calling (their organization and account) and
    over TLS (an outsider too: the perimeter must hold against a careful caller); a probe's own
    context wins."""
    outsider = principal.kind == OUTSIDER
    return {
        "aws:PrincipalOrgID": OUTSIDER_ORG_ID if outsider else ORG_ID_STAND_IN,
        "aws:PrincipalAccount": OUTSIDER_ACCOUNT if outsider else account_id,
        "aws:SecureTransport": True,
    }


def _scp_chain(estate: Estate) -> dict[str, tuple[str, list[tuple[str, Policy]]]]:
    """Account role -> (OU path, the SCPs reaching it as (name, document)), the management account
    with none: SCPs never apply to it."""
    from modules.organization import guardrails as g

    scps = g.render_estate_scps(estate)
    by_target = {a.target: a.guardrails for a in g.attachments(estate)}
    chains: dict[str, tuple[str, list[tuple[str, Policy]]]] = {MANAGEMENT: ("(root, no SCPs apply)", [])}
    for role, placement in g.placements(estate).items():
        targets = [g.Target("root", g.ROOT), *(g.Target("ou", ou) for ou in g.ou_chain(placement.ou_path))]
        targets.append(g.Target("account", role))
        names = dict.fromkeys(name for t in targets for name in by_target.get(t, ()) if name in scps)
        chains[role] = (placement.ou_path, [(name, scps[name].document) for name in names])
    return chains


RcpChains = dict[str, list[tuple[str, Policy]]]


def _rcp_chain(estate: Estate) -> RcpChains:
    """Account role -> the RCPs guarding its resources (root, its OUs, itself); the management
    account's resources are outside their reach."""
    from modules.organization import rcp

    rendered = rcp.render_estate_rcps(estate)
    chains: RcpChains = {MANAGEMENT: []}
    for role in estate.accounts():
        if role != MANAGEMENT:
            chains[role] = [(name, rendered[name].document) for name in rcp.effective_rcps(estate, role)]
    return chains


def _fill(value: Any, values: dict[str, str]) -> Any:
    if isinstance(value, str):
        for key, text in values.items():
            value = value.replace("{" + key + "}", text)
        return value
    if isinstance(value, list):
        return [_fill(item, values) for item in value]
    return value


def _decide(
    probe: Probe,
    principal: Principal,
    scps: list[tuple[str, Policy]],
    rcps: list[tuple[str, Policy]],
    values: dict[str, str],
) -> tuple[str, str]:
    context = {**_caller_context(principal, values["account"])}
    context.update({key: _fill(value, values) for key, value in probe.context.items()})
    request = Request(
        action=probe.action,
        resource=_fill(probe.resource, values),
        principal_arn=principal.arn,
        region=probe.region or values["region"],
        context=context,
    )
    for name, document in scps if principal.kind != OUTSIDER else ():
        for match in matching_statements([FULL_AWS_ACCESS, document], request):
            if match.effect == "Deny":
                return "Deny", f"SCP {name} Sid {match.sid}"
    denied = denying_rcp(rcps, request)
    if denied is not None:
        return "Deny", f"RCP {denied[0]} Sid {denied[1]}"
    documents = [document for _, document in principal.policies]
    decision = evaluate(documents, request)
    matches = matching_statements(documents, request)
    effect = "Deny" if decision is Decision.DENY else "Allow"
    decisive = [m for m in matches if m.effect == effect]
    because = ", ".join(f"{principal.policies[m.policy_index][0]} Sid {m.sid}" for m in decisive)
    return decision.value, because


Chains = dict[str, tuple[str, list[tuple[str, Policy]]]]


def access_matrix(
    estate: Estate,
    probes: list[Probe] | None = None,
    chains: Chains | None = None,
    rcp_chains: RcpChains | None = None,
) -> AccessMatrix:
    """The matrix for `estate`; `chains` (account role -> OU and SCPs) and `rcp_chains` (account
    role -> RCPs) default to the config's placement, which is what the organization stack
    synthesizes (the review passes the chains it read from the synthesized stack instead)."""
    from modules.identity_center.permission_sets import privileged_group_arns
    from modules.organization.rcp import rcps_enabled

    probes = load_probes() if probes is None else probes
    matrix = AccessMatrix(rcps_evaluated=rcps_enabled(estate))
    if not matrix.rcps_evaluated:
        matrix.notes.append(
            "resource_control_policies disabled: no data perimeter (ORG-6); probes naming the "
            "outsider principal are not evaluated"
        )
        probes = [probe for probe in probes if OUTSIDER not in probe.principals]
    if rcp_chains is None:
        rcp_chains = _rcp_chain(estate) if matrix.rcps_evaluated else {}
    if estate.control_tower_mode:
        matrix.notes.append(
            "control_tower mode: Account Factory places accounts; region deny is Control Tower's "
            "control, not evaluated here"
        )
    accounts = {role: account.id or "000000000000" for role, account in estate.accounts().items()}
    for role, (ou, scps) in (_scp_chain(estate) if chains is None else chains).items():
        for principal in _principals(estate, role, accounts[role]):
            values = {
                "account": accounts[role],
                "region": estate.organization.home_region,
                "org_id": ORG_ID_STAND_IN,
                "log_bucket": estate.log_bucket,
                "log_key_alias": estate.log_key_alias,
                "application": principal.application or "NoApplication",
                "self_arn": principal.arn,
                "privileged_group_arn": privileged_group_arns(estate)[0],
            }
            for probe in probes:
                if not probe.applies_to(principal.kind, role):
                    continue
                rcps = rcp_chains.get(probe.resource_owner or role, [])
                try:
                    decision, because = _decide(probe, principal, scps, rcps, values)
                except PolicyError as error:
                    decision, because = "Error", f"cannot evaluate: {error}"
                expected = principal.kind in probe.allow
                matrix.cells.append(
                    Cell(role, ou, principal.name, probe.id, probe.requirement, decision, expected, because)
                )
    return matrix


_SYMBOL = {"Allow": "allow", "Deny": "deny", "NotAllowed": "-", "Error": "ERROR"}


def render_text(matrix: AccessMatrix) -> str:
    """Per account: probes down, principals across; `ALLOW!` marks an unexpected Allow."""
    lines = [f"note: {note}" for note in matrix.notes]
    accounts = list(dict.fromkeys(cell.account for cell in matrix.cells))
    for account in accounts:
        cells = [cell for cell in matrix.cells if cell.account == account]
        principals = list(dict.fromkeys(cell.principal for cell in cells))
        probes = list(dict.fromkeys(cell.probe for cell in cells))
        by_key = {(cell.probe, cell.principal): cell for cell in cells}
        lines.append(f"\n## {account} (OU {cells[0].ou})\n")
        lines.append("| probe | " + " | ".join(principals) + " |")
        lines.append("|---" * (len(principals) + 1) + "|")
        for probe in probes:
            row = []
            for principal in principals:
                cell = by_key.get((probe, principal))
                text = "n/a" if cell is None else _SYMBOL[cell.decision]
                row.append("ALLOW!" if cell is not None and cell.unexpected else text)
            lines.append(f"| {probe} | " + " | ".join(row) + " |")
    findings = matrix.findings
    lines.append(f"\n{len(matrix.cells)} evaluations, {len(findings)} unexpected Allow(s)")
    lines.extend(
        f"FINDING {c.account} {c.principal} {c.probe} ({c.requirement}): {c.decision} by {c.because}"
        for c in findings
    )
    return "\n".join(lines) + "\n"
