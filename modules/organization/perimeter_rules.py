"""Config checks for the RCPs (ORG-6) and the declarative EC2 policy (ORG-7), like SCP-6 for SCPs.

AWS refuses a sixth RCP on a target (RCPFullAWSAccess always takes one slot) and any RCP over
5,120 characters; both are config errors here, before anything is planned.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from modules.core.findings import Finding, unknown_reference
from modules.core.rules import rule
from modules.organization import declarative as d
from modules.organization import guardrails as g
from modules.organization import rcp as r

if TYPE_CHECKING:
    from modules.config.models import Estate


@rule("LZ_RULE_PER_001")
def rcp_attachments_resolve(estate: Estate) -> Iterator[Finding]:
    """Every RCP attachment names an existing target and RCP template (ORG-6)."""
    known = list(r.available_rcps())
    for attachment in r.rcp_attachments(estate):
        problem = g.target_problem(estate, attachment.target, "RCPs")
        if problem:
            yield Finding("organization", attachment.loc, problem)
            continue
        for index, name in enumerate(attachment.guardrails):
            if name not in known:
                yield Finding(
                    "organization",
                    (*attachment.loc, index),
                    unknown_reference("RCP template in policies/rcp/", name, known),
                )


@rule("LZ_RULE_PER_002")
def rcps_per_target_within_limit(estate: Estate) -> Iterator[Finding]:
    """No target carries more than 5 RCPs, RCPFullAWSAccess included (ORG-6)."""
    for attachment in r.rcp_attachments(estate):
        count = len(attachment.guardrails) + 1
        if count > r.MAX_RCPS_PER_TARGET:
            yield Finding(
                "organization",
                attachment.loc,
                f"{attachment.target.label} would carry {count} RCPs incl. RCPFullAWSAccess "
                f"({', '.join(attachment.guardrails)}) (expected at most {r.MAX_RCPS_PER_TARGET}; move some "
                "to an OU above or below)",
            )


@rule("LZ_RULE_PER_003")
def rcp_documents_within_limits(estate: Estate) -> Iterator[Finding]:
    """Each rendered RCP is valid and at most 5,120 characters, as AWS counts them (ORG-6)."""
    known = set(r.available_rcps())
    context = r.rcp_context(estate)
    for name in r.rcp_names(estate):
        if name not in known:
            continue  # reported by rcp_attachments_resolve
        try:
            rendered = r.render_rcp(name, context)
        except r.RcpError as error:
            yield Finding("organization", ("resource_control_policies",), str(error))
            continue
        if rendered.size > r.MAX_RCP_CHARS:
            yield Finding(
                "organization",
                ("resource_control_policies", "trusted_account_ids"),
                f"RCP '{name}' renders to {rendered.size} characters (expected at most {r.MAX_RCP_CHARS}, "
                "whitespace-minified as AWS counts; shorten the lists that fill it)",
            )


@rule("LZ_RULE_PER_004")
def member_accounts_inside_perimeter(estate: Estate) -> Iterator[Finding]:
    """ORG-6: with the perimeter on, every member account is under the data-perimeter RCPs."""
    if not r.rcps_enabled(estate):
        return
    placement = g.placed_accounts(estate)
    for account in sorted(placement):
        reaching = r.effective_rcps(estate, account)
        for required in ("data-perimeter", "secure-transport"):
            if required not in reaching:
                yield Finding(
                    "organization",
                    r.ATTACHMENTS_LOC,
                    f"account '{account}' (OU {placement[account]}) is not covered by RCP '{required}' "
                    "(ORG-6) (expected it attached to Root, an OU above the account, or the account)",
                )
    if "protect-log-archive" not in r.effective_rcps(estate, "log_archive"):
        yield Finding(
            "organization",
            r.ATTACHMENTS_LOC,
            "the log-archive account is not covered by RCP 'protect-log-archive' (ORG-6, SCP-1) "
            "(expected it attached to Root, the security OU or accounts.log_archive)",
        )


@rule("LZ_RULE_PER_005")
def declarative_policies_resolve(estate: Estate) -> Iterator[Finding]:
    """Declarative EC2 policy targets are declared OUs and the rendered policies fit AWS's limit (ORG-7)."""
    config = estate.organization.declarative_policies
    if not config.enabled:
        return
    for path in config.ous:
        problem = g.target_problem(estate, g.Target("ou", path), "Declarative policies")
        if problem:
            yield Finding("organization", (*d.LOC, "ous", path), problem)
    try:
        policies = d.declarative_policies(estate)
    except d.DeclarativeError as error:
        yield Finding("organization", d.LOC, str(error))
        return
    for policy in policies:
        if policy.size > d.MAX_DECLARATIVE_CHARS:
            yield Finding(
                "organization",
                d.LOC,
                f"declarative policy '{policy.name}' renders to {policy.size} characters (expected at "
                f"most {d.MAX_DECLARATIVE_CHARS})",
            )
