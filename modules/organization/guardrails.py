"""Which guardrails the estate has, where they attach, and what each template is filled with.

Pure Python, shared by `lz validate` (checks.py), the review checks and the construct, so all three
see the same targets and the same rendered documents.

A guardrail is named after its template in `policies/scp/`. In `control_tower` mode Control Tower
already implements some of them as controls (`CONTROL_TOWER_GUARDRAILS`); those are then enabled as
Control Tower controls on the same OUs instead of being created as our own SCPs, never both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from modules.core.errors import Loc
from modules.core.findings import unknown_reference
from modules.organization.config import CONTROL_TOWER_EXECUTION_ROLE
from modules.organization.scp import GLOBAL_SERVICE_ACTIONS, RenderedScp, ScpContext, render_scp

if TYPE_CHECKING:
    from modules.config.models import Estate

ROOT = "Root"
LOG_PROTECTION, REGION_DENY, DENY_ACCESS_KEYS = "log-protection", "region-deny", "deny-iam-access-keys"
# Every member account must end up under each of these (SCP-1..5); IAM-7's one is optional.
REQUIRED_GUARDRAILS = (
    LOG_PROTECTION,
    REGION_DENY,
    "deny-root-user",
    "protect-security-services",
    "deny-leave-organization",
)
REQUIREMENT_OF = {
    LOG_PROTECTION: "SCP-1",
    REGION_DENY: "SCP-2",
    "deny-root-user": "SCP-3",
    "protect-security-services": "SCP-4",
    "deny-leave-organization": "SCP-5",
    DENY_ACCESS_KEYS: "IAM-7",
}
# guardrail -> config field of control_tower holding the control that implements it.
CONTROL_TOWER_GUARDRAILS = {REGION_DENY: "region_deny_control"}
# Where a too-large document is best fixed.
_SIZE_KNOB: dict[str, Loc] = {REGION_DENY: ("guardrails", "region_deny_exempt_roles")}
ATTACHMENTS_LOC: Loc = ("guardrails", "attachments")


@dataclass(frozen=True)
class Target:
    """Something an SCP attaches to: the root, an OU (by path) or a member account (by role)."""

    kind: Literal["root", "ou", "account"]
    name: str

    @property
    def label(self) -> str:
        return ROOT if self.kind == "root" else f"{'OU' if self.kind == 'ou' else 'account'} '{self.name}'"

    @property
    def slug(self) -> str:
        """Stable construct-ID suffix: `root`, `ou-workloads-prod`, `account-log-archive`."""
        text = self.name if self.kind != "root" else ""
        cleaned = "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")
        return "-".join(part for part in (self.kind, cleaned) if part)


@dataclass(frozen=True)
class Attachment:
    target: Target
    guardrails: tuple[str, ...]
    loc: Loc  # where in organization.yaml this target's list is declared


def control_tower_mode(estate: Estate) -> bool:
    """`Estate.control_tower_mode`, as the validate rules of checks.py ask for it."""
    return estate.control_tower_mode


def role_arn_pattern(role: str) -> str:
    """A role in any account of the organization, as `aws:PrincipalArn` reports it."""
    return f"arn:aws:iam::*:role/{role}"


def scp_context(estate: Estate) -> ScpContext:
    """What the templates are filled with: names from the log-archive and deployment config."""
    org = estate.organization
    guardrails = org.guardrails
    admins = [org.deployment.role_name]
    if estate.control_tower_mode:
        admins.append(CONTROL_TOWER_EXECUTION_ROLE)
    exempt = dict.fromkeys([*guardrails.region_deny_exempt_roles, *org.deployment.break_glass_role_names])
    return ScpContext(
        approved_regions=tuple(org.approved_regions),
        global_actions=tuple(dict.fromkeys([*GLOBAL_SERVICE_ACTIONS, *guardrails.extra_global_actions])),
        region_exempt_principal_arns=tuple(role_arn_pattern(role) for role in exempt),
        log_bucket_names=tuple(estate.log_buckets),
        log_admin_principal_arns=tuple(role_arn_pattern(role) for role in admins),
        security_admin_principal_arns=tuple(role_arn_pattern(role) for role in admins),
    )


def security_ou_subtree(estate: Estate) -> list[str]:
    security = estate.organization.landing_zone.security_ou
    return [p for p in estate.organization.ou_paths if p == security or p.startswith(f"{security}/")]


def managed_ou_paths(estate: Estate) -> list[str]:
    """OUs this stack creates, parents first: all of them, less Control Tower's security OU in CT mode."""
    paths = estate.organization.ou_paths
    if not estate.control_tower_mode:
        return paths
    owned = set(security_ou_subtree(estate))
    return [path for path in paths if path not in owned]


@dataclass(frozen=True)
class Placement:
    """Where the organization stack puts a member account, and how (ORG-3, SCP-1..5 coverage)."""

    ou_path: str
    how: Literal["created", "adopted", "account-factory"]

    @property
    def note(self) -> str:
        return {
            "created": "created in its OU by the organization stack",
            "adopted": "existing account adopted (Terraform import) and moved to its OU",
            "account-factory": "placed by Control Tower Account Factory (not moved by this stack)",
        }[self.how]


def placements(estate: Estate) -> dict[str, Placement]:
    """Member account role -> the OU the synthesized Terraform puts it in, and how.

    The construct sets every member account's `parent_id` from this, and the coverage rules
    evaluate SCPs along the same OU chain: what is validated is where the account will sit. The
    management account is not listed: it always sits at the root.
    """
    found = {}
    for role, path in account_ou(estate).items():
        account = estate.accounts()[role]
        if estate.control_tower_mode:
            how: Literal["created", "adopted", "account-factory"] = "account-factory"
        else:
            how = "adopted" if account.id is not None else "created"
        found[role] = Placement(path, how)
    return found


def ou_chain(path: str) -> list[str]:
    """`Workloads/Prod` -> [`Workloads`, `Workloads/Prod`]: the OUs whose SCPs reach an account."""
    parts = path.split("/")
    return ["/".join(parts[:depth]) for depth in range(1, len(parts) + 1)]


def account_ou(estate: Estate) -> dict[str, str]:
    """Member account role -> OU path it belongs in (core accounts sit in the security OU)."""
    security = estate.organization.landing_zone.security_ou
    placement = {"log_archive": security, "audit": security}
    placement.update({name: env.organizational_unit for name, env in estate.environments.items()})
    return placement


def placed_accounts(estate: Estate) -> dict[str, str]:
    """`account_ou` for the accounts whose OU is declared; a wrong placement is reported where it is
    written (`organizational_unit`, `landing_zone.security_ou`), not again as missing guardrails."""
    known = set(estate.organization.ou_paths)
    return {account: path for account, path in account_ou(estate).items() if path in known}


def attachments(estate: Estate) -> list[Attachment]:
    """Guardrails per target as declared (root, top-level OUs, OUs, accounts), unvalidated."""
    declared = estate.organization.guardrails.attachments
    found = [Attachment(Target("root", ROOT), tuple(declared.root), (*ATTACHMENTS_LOC, "root"))]
    top_level = [path for path in managed_ou_paths(estate) if "/" not in path]
    for path in top_level:
        merged = dict.fromkeys([*declared.top_level_ous, *declared.ous.get(path, [])])
        key = ("ous", path) if path in declared.ous else ("top_level_ous",)
        found.append(Attachment(Target("ou", path), tuple(merged), (*ATTACHMENTS_LOC, *key)))
    for path, names in declared.ous.items():
        if path not in top_level:
            found.append(Attachment(Target("ou", path), tuple(names), (*ATTACHMENTS_LOC, "ous", path)))
    for account, names in declared.accounts.items():
        found.append(
            Attachment(Target("account", account), tuple(names), (*ATTACHMENTS_LOC, "accounts", account))
        )
    return [attachment for attachment in found if attachment.guardrails]


def is_scp(estate: Estate, guardrail: str) -> bool:
    """False for guardrails Control Tower implements as its own controls in CT mode."""
    return not (estate.control_tower_mode and guardrail in CONTROL_TOWER_GUARDRAILS)


def scp_names(estate: Estate) -> list[str]:
    """The SCPs this estate creates: every attached guardrail that is ours to implement."""
    names = {name for attachment in attachments(estate) for name in attachment.guardrails}
    return sorted(name for name in names if is_scp(estate, name))


def render_estate_scps(estate: Estate) -> dict[str, RenderedScp]:
    """Every SCP of the estate, rendered. Raises `ScpError` (validation reports it first)."""
    context = scp_context(estate)
    return {name: render_scp(name, context) for name in scp_names(estate)}


def size_knob(guardrail: str) -> Loc:
    return _SIZE_KNOB.get(guardrail, ("guardrails",))


def effective_guardrails(estate: Estate) -> dict[str, set[str]]:
    """Member account role -> guardrails reaching it through the root, its OUs and itself, along the
    OU chain of its synthesized placement (`placements`)."""
    by_target = {attachment.target: set(attachment.guardrails) for attachment in attachments(estate)}
    result = {}
    for account, placement in placements(estate).items():
        reaching = set(by_target.get(Target("root", ROOT), set()))
        for ou in ou_chain(placement.ou_path):
            reaching |= by_target.get(Target("ou", ou), set())
        reaching |= by_target.get(Target("account", account), set())
        result[account] = reaching
    return result


def target_problem(estate: Estate, target: Target, policies: str) -> str | None:
    """Why `policies` (SCPs, RCPs, declarative policies) cannot attach to `target`, or None."""
    if target.kind == "ou" and target.name not in estate.organization.ou_paths:
        return unknown_reference("OU", target.name, estate.organization.ou_paths)
    if target.kind == "ou" and target.name not in managed_ou_paths(estate):
        return (
            f"OU '{target.name}' is created and governed by Control Tower (expected Root or an OU "
            "this estate manages)"
        )
    if target.kind == "account" and target.name == "management":
        return f"{policies} never apply to the management account (expected a member account)"
    members = sorted(account_ou(estate))
    if target.kind == "account" and target.name not in members:
        return unknown_reference("member account", target.name, members)
    return None
