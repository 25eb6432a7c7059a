"""Render the RCP templates in `policies/rcp/` and say where each attaches (ORG-6).

Pure Python, shared by `lz validate` (`rcp_checks.py`), the review checks and the construct, so what
is validated is what is deployed. The organization id is only known once the organization exists:
documents are rendered with a worst-case-length stand-in (`ORG_ID_STAND_IN`), which the construct
swaps for a reference to the organization's id, so the size checked at validate time is
never smaller than the size AWS sees.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from modules.core.policy_eval import PolicyError
from modules.core.policy_templates import RenderedPolicy, render_document, sid_problem
from modules.core.rcp_eval import validate_rcp
from modules.organization.guardrails import (
    ROOT,
    Attachment,
    Target,
    account_ou,
)

if TYPE_CHECKING:
    from modules.config.models import Estate

RCP_DIR = Path(__file__).resolve().parents[2] / "policies" / "rcp"
TEMPLATE_SUFFIX = ".json.j2"
# AWS Organizations quotas for RCPs: same as SCPs.
MAX_RCP_CHARS = 5120
MAX_RCPS_PER_TARGET = 5
# Organization ids are `o-` + 10..32 lowercase letters or digits: the longest possible one.
ORG_ID_STAND_IN = "o-" + "0" * 32
ATTACHMENTS_LOC = ("resource_control_policies", "attachments")

# What the data perimeter covers (ORG-6). STS: only the calls that name a resource of ours; the SAML
# and web-identity federation calls have no organization principal and must keep working.
PERIMETER_SERVICES = ("kms:*", "s3:*", "secretsmanager:*", "sqs:*", "sts:*")
IDENTITY_ACTIONS = (
    "kms:*",
    "s3:*",
    "secretsmanager:*",
    "sqs:*",
    "sts:AssumeRole",
    "sts:DecodeAuthorizationMessage",
    "sts:GetAccessKeyInfo",
    "sts:GetFederationToken",
    "sts:GetServiceBearerToken",
    "sts:GetSessionToken",
    "sts:SetContext",
)


class RcpError(ValueError):
    """A template that does not render to a valid RCP; the message names the template."""


@dataclass(frozen=True)
class RcpContext:
    org_id: str
    exempt_tag: str
    trusted_account_ids: tuple[str, ...]
    log_bucket_names: tuple[str, ...]
    log_key_aliases: tuple[str, ...]
    log_archive_account_id: str | None

    def variables(self) -> dict[str, Any]:
        buckets = [f"arn:aws:s3:::{name}" for name in self.log_bucket_names]
        account = self.log_archive_account_id or "*"
        return {
            "org_id": self.org_id,
            "exempt_tag": self.exempt_tag,
            "trusted_account_ids": list(self.trusted_account_ids),
            "identity_actions": list(IDENTITY_ACTIONS),
            "service_actions": list(PERIMETER_SERVICES),
            "perimeter_services": list(PERIMETER_SERVICES),
            "log_bucket_arns": buckets,
            "log_object_arns": [f"{arn}/*" for arn in buckets],
            "log_key_arn_pattern": f"arn:aws:kms:*:{account}:key/*",
            "log_key_aliases": list(self.log_key_aliases),
        }


@dataclass(frozen=True)
class RenderedRcp(RenderedPolicy):
    """Minified as deployed with the stand-in organization id, which is also how its size counts."""

    def content(self, org_id: str) -> str:
        """What the construct sends: the stand-in replaced by the organization's id (a reference)."""
        return self.text.replace(ORG_ID_STAND_IN, org_id)


def rcp_context(estate: Estate, org_id: str = ORG_ID_STAND_IN) -> RcpContext:
    org = estate.organization
    config = org.resource_control_policies
    return RcpContext(
        org_id=org_id,
        exempt_tag=config.exempt_resource_tag,
        trusted_account_ids=tuple(config.trusted_account_ids),
        log_bucket_names=tuple(estate.log_buckets),
        log_key_aliases=(estate.log_key_alias,),
        log_archive_account_id=org.accounts.log_archive.id,
    )


def available_rcps(directory: Path = RCP_DIR) -> tuple[str, ...]:
    return tuple(
        sorted(path.name.removesuffix(TEMPLATE_SUFFIX) for path in directory.glob(f"*{TEMPLATE_SUFFIX}"))
    )


def render_rcp(name: str, context: RcpContext, directory: Path = RCP_DIR) -> RenderedRcp:
    """Render one template; raise `RcpError` if it is missing, broken or not an RCP AWS accepts."""
    path = directory / f"{name}{TEMPLATE_SUFFIX}"
    if not path.is_file():
        known = ", ".join(available_rcps(directory)) or "none"
        raise RcpError(f"no RCP template '{name}' in {directory} (known: {known})")
    source = path.read_text(encoding="utf-8")
    description, document = render_document(source, context.variables(), f"RCP template '{name}'", RcpError)
    try:
        validate_rcp(document)
    except PolicyError as error:
        raise RcpError(f"RCP '{name}' is not a valid RCP: {error}") from None
    problem = sid_problem(document["Statement"])
    if problem:
        raise RcpError(f"RCP '{name}': {problem}")
    return RenderedRcp(name=name, description=description, document=document)


def rcps_enabled(estate: Estate) -> bool:
    return estate.organization.resource_control_policies.enabled


def rcp_attachments(estate: Estate) -> list[Attachment]:
    """RCPs per target as declared (root, OUs, accounts); empty when the data perimeter is off."""
    if not rcps_enabled(estate):
        return []
    declared = estate.organization.resource_control_policies.attachments
    found = [Attachment(Target("root", ROOT), tuple(declared.root), (*ATTACHMENTS_LOC, "root"))]
    found += [
        Attachment(Target("ou", path), tuple(names), (*ATTACHMENTS_LOC, "ous", path))
        for path, names in declared.ous.items()
    ]
    found += [
        Attachment(Target("account", role), tuple(names), (*ATTACHMENTS_LOC, "accounts", role))
        for role, names in declared.accounts.items()
    ]
    return [attachment for attachment in found if attachment.guardrails]


def rcp_names(estate: Estate) -> list[str]:
    return sorted({name for attachment in rcp_attachments(estate) for name in attachment.guardrails})


def render_estate_rcps(estate: Estate, org_id: str = ORG_ID_STAND_IN) -> dict[str, RenderedRcp]:
    context = rcp_context(estate, org_id)
    return {name: render_rcp(name, context) for name in rcp_names(estate)}


def effective_rcps(estate: Estate, account: str) -> list[str]:
    """The RCPs reaching a member account (by role) through the root, its OUs and itself."""
    by_target = {a.target: a.guardrails for a in rcp_attachments(estate)}
    path = account_ou(estate)[account]
    parts = path.split("/")
    targets = [Target("root", ROOT), *(Target("ou", "/".join(parts[:i])) for i in range(1, len(parts) + 1))]
    targets.append(Target("account", account))
    return sorted({name for target in targets for name in by_target.get(target, ())})
