"""Cross-file checks for accounts, OUs, regions and SCP guardrails (ORG-1..2, SCP-1..6)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from modules.core.findings import Finding, unknown_reference
from modules.core.rules import rule
from modules.organization import guardrails as g
from modules.organization.scp import (
    MAX_SCP_CHARS,
    MAX_SCPS_PER_TARGET,
    ScpError,
    available_scps,
    render_scp,
)

if TYPE_CHECKING:
    from modules.config.models import Estate

_CORE_ACCOUNT_KEYS = ("management", "log_archive", "audit")


def _account_locations(estate: Estate) -> Iterator[tuple[str, tuple[str, ...], str | None, str]]:
    """(source, loc, id, email) of every account declaration."""
    core = estate.organization.accounts
    for key in _CORE_ACCOUNT_KEYS:
        account = getattr(core, key)
        yield "organization", ("accounts", key), account.id, account.email
    for name, env in estate.environments.items():
        yield name, ("account",), env.account.id, env.account.email


def _declared_by(source: str, loc: tuple[str, ...]) -> str:
    return f"environment '{source}'" if source != "organization" else f"{loc[-1]} (organization)"


@rule("LZ_RULE_ORG_001")
def accounts_are_unique(estate: Estate) -> Iterator[Finding]:
    """One id and one root e-mail per account. A clash is reported at every declaration: the one
    the user just edited is among them, whichever file it is in."""
    by_id: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    by_email: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for source, loc, account_id, email in _account_locations(estate):
        if account_id is not None:
            by_id.setdefault(account_id, []).append((source, loc))
        by_email.setdefault(email.lower(), []).append((source, loc))
    clashes = (
        ("id", "account id", by_id, "expected one account per role"),
        ("email", "e-mail", by_email, "expected a unique root e-mail per account"),
    )
    for key, label, declared, expected in clashes:
        for value, places in declared.items():
            for source, loc in places if len(places) > 1 else ():
                others = ", ".join(
                    _declared_by(s, other) for s, other in places if (s, other) != (source, loc)
                )
                yield Finding(source, (*loc, key), f"{label} {value} is also used by {others} ({expected})")


@rule("LZ_RULE_ORG_003")
def environments_reference_declared_ous(estate: Estate) -> Iterator[Finding]:
    """Each environment's `organizational_unit` is an OU the organization declares."""
    known = estate.organization.ou_paths
    for name, env in estate.environments.items():
        if env.organizational_unit not in known:
            yield Finding(
                name, ("organizational_unit",), unknown_reference("OU", env.organizational_unit, known)
            )


@rule("LZ_RULE_ORG_004")
def ou_paths_are_unique(estate: Estate) -> Iterator[Finding]:
    """OU paths are unique."""
    seen: set[str] = set()
    for path in estate.organization.ou_paths:
        if path in seen:
            yield Finding(
                "organization",
                ("organizational_units",),
                f"OU '{path}' is declared twice (expected unique OU paths)",
            )
        seen.add(path)


@rule("LZ_RULE_ORG_005")
def regions_are_approved(estate: Estate) -> Iterator[Finding]:
    """The home region and every environment's region are approved regions (SCP-2)."""
    organization = estate.organization
    approved = organization.approved_regions
    if organization.home_region not in approved:
        yield Finding(
            "organization",
            ("home_region",),
            f"home region '{organization.home_region}' "
            f"is not in approved_regions (expected one of: {', '.join(approved)})",
        )
    for name, env in estate.environments.items():
        if env.region not in approved:
            yield Finding(
                name,
                ("region",),
                f"region '{env.region}' is not approved by the "
                f"organization (expected one of: {', '.join(approved)})",
            )


@rule("LZ_RULE_ORG_006")
def security_ou_is_top_level(estate: Estate) -> Iterator[Finding]:
    """The landing zone's security OU is a top-level OU."""
    organization = estate.organization
    security = organization.landing_zone.security_ou
    top_level = [unit.name for unit in organization.organizational_units]
    if security not in top_level:
        yield Finding(
            "organization",
            ("landing_zone", "security_ou"),
            unknown_reference("top-level OU", security, top_level)
            + " (the log-archive and audit accounts are placed there)",
        )
    elif g.control_tower_mode(estate) and len(g.security_ou_subtree(estate)) > 1:
        yield Finding(
            "organization",
            ("organizational_units",),
            f"OU '{security}' is created by Control Tower in control_tower mode (expected no child "
            "OUs under it; declare them at the top level instead)",
        )


@rule("LZ_RULE_ORG_007")
def control_tower_has_core_account_ids(estate: Estate) -> Iterator[Finding]:
    """In Control Tower mode the log-archive and audit accounts are given by id (CT created them)."""
    if not g.control_tower_mode(estate):
        return
    for key in ("log_archive", "audit"):
        if getattr(estate.organization.accounts, key).id is None:
            yield Finding(
                "organization",
                ("accounts", key, "id"),
                "Control Tower needs the log-archive and audit accounts to exist before the landing "
                "zone (expected their 12-digit id)",
            )


def _guardrail_problem(estate: Estate, target: g.Target, name: str, known: tuple[str, ...]) -> str | None:
    if name not in known:
        return unknown_reference("SCP template in policies/scp/", name, list(known))
    if name == g.DENY_ACCESS_KEYS and not estate.organization.guardrails.deny_iam_user_access_keys:
        return (
            f"'{name}' is switched off by guardrails.deny_iam_user_access_keys (expected it removed "
            "from the attachments, or the switch on)"
        )
    if not g.is_scp(estate, name) and target.kind != "ou":
        return (
            f"'{name}' is a Control Tower control in control_tower mode, and controls attach to OUs "
            f"only (expected it under top_level_ous or ous, not {target.label})"
        )
    return None


@rule("LZ_RULE_ORG_008")
def guardrail_attachments_resolve(estate: Estate) -> Iterator[Finding]:
    """Every SCP attachment names an existing target and SCP template."""
    known = available_scps()
    for attachment in g.attachments(estate):
        problem = g.target_problem(estate, attachment.target, "SCPs")
        if problem:
            yield Finding("organization", attachment.loc, problem)
            continue
        for index, name in enumerate(attachment.guardrails):
            problem = _guardrail_problem(estate, attachment.target, name, known)
            if problem:
                loc = (*attachment.loc, index) if attachment.loc[-1] != "top_level_ous" else attachment.loc
                yield Finding("organization", loc, problem)


@rule("LZ_RULE_ORG_009")
def scps_per_target_within_limit(estate: Estate) -> Iterator[Finding]:
    """SCP-6: AWS refuses a sixth policy on a target; FullAWSAccess always takes one slot."""
    for attachment in g.attachments(estate):
        count = len(attachment.guardrails) + 1
        if count > MAX_SCPS_PER_TARGET:
            yield Finding(
                "organization",
                attachment.loc,
                f"{attachment.target.label} would carry {count} SCPs incl. FullAWSAccess "
                f"({', '.join(attachment.guardrails)}) (expected at most {MAX_SCPS_PER_TARGET}; move some "
                "to an OU above or below)",
            )


@rule("LZ_RULE_ORG_010")
def scp_documents_within_limits(estate: Estate) -> Iterator[Finding]:
    """SCP-6: each rendered document is valid and at most 5,120 characters, as AWS counts them."""
    known = set(available_scps())
    context = g.scp_context(estate)
    for name in g.scp_names(estate):
        if name not in known:
            continue  # reported by guardrail_attachments_resolve
        try:
            rendered = render_scp(name, context)
        except ScpError as error:
            yield Finding("organization", ("guardrails",), str(error))
            continue
        if rendered.size > MAX_SCP_CHARS:
            yield Finding(
                "organization",
                g.size_knob(name),
                f"SCP '{name}' renders to {rendered.size} characters (expected at most {MAX_SCP_CHARS}, "
                "whitespace-minified as AWS counts; shorten the lists that fill it)",
            )


@rule("LZ_RULE_ORG_011")
def member_accounts_are_guarded(estate: Estate) -> Iterator[Finding]:
    """Every member account ends up under each required guardrail (SCP-1..5, IAM-7 when on)."""
    required = list(g.REQUIRED_GUARDRAILS)
    if estate.organization.guardrails.deny_iam_user_access_keys:
        required.append(g.DENY_ACCESS_KEYS)
    governed_by_control_tower = set(g.security_ou_subtree(estate)) if g.control_tower_mode(estate) else set()
    placement = g.placed_accounts(estate)
    for account, reaching in sorted(g.effective_guardrails(estate).items()):
        if account not in placement or placement[account] in governed_by_control_tower:
            continue  # Control Tower's mandatory controls govern its security OU
        for name in required:
            if name not in reaching:
                yield Finding(
                    "organization",
                    g.ATTACHMENTS_LOC,
                    f"account '{account}' (OU {placement[account]}) is not covered by '{name}' "
                    f"({g.REQUIREMENT_OF[name]}) (expected it attached to Root, an OU above the "
                    "account, or the account)",
                )


# IAM role names: at most 64 characters. The environment stacks name resources `<estate>-<env>-...`;
# the longest IAM role suffix is the flow log delivery role's (modules/network/construct.py).
MAX_ROLE_NAME = 64
LONGEST_ROLE_SUFFIX = "-vpc-flow-logs"


@rule("LZ_RULE_ORG_002")
def environment_role_names_fit(estate: Estate) -> Iterator[Finding]:
    """`<estate>-<env>-vpc-flow-logs` must be a valid IAM role name once both names are put in."""
    for name in estate.environments:
        role = f"{estate.organization.name}-{name}{LONGEST_ROLE_SUFFIX}"
        if len(role) > MAX_ROLE_NAME:
            yield Finding(
                name,
                ("name",),
                f"IAM role name '{role}' would have {len(role)} characters (expected at most "
                f"{MAX_ROLE_NAME}: shorten this environment's name or the estate's, "
                f"'{estate.organization.name}')",
            )
