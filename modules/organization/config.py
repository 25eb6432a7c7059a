"""`organization.yaml`: accounts, OU layout, landing zone mode, alternate contacts, SCP guardrails.

Requirements ORG-1..5 and SCP-1..6. The guardrail documents themselves are data in `policies/scp/`;
this module only says which are attached where and what they exempt.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field

from modules.core.base import StrictModel
from modules.core.errors import show
from modules.core.types import AccountId, Email, UniqueList

_OU_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9 _-]{0,63}$")


def _ou_name(value: object) -> object:
    from pydantic_core import PydanticCustomError

    if not isinstance(value, str) or not _OU_NAME.match(value):
        raise PydanticCustomError(
            "ou_name",
            "{value} is not a valid OU name (expected letters, "
            "digits, space, _ or -, starting with a letter)",
            {"value": show(value)},
        )
    return value


OuName = Annotated[str, BeforeValidator(_ou_name)]


class Account(StrictModel):
    """An AWS account: existing ones carry their `id`; without one the organization stack creates it."""

    name: str = Field(min_length=1, max_length=50, description="Account name as shown in Organizations.")
    email: Email = Field(description="Root e-mail address; unique across the organization.")
    id: AccountId | None = Field(
        default=None,
        description="12-digit id (quoted) of an existing account; null: the organization stack creates it.",
    )


class CoreAccounts(StrictModel):
    """The three accounts every estate has (ORG-3): management, log archive, audit."""

    management: Account = Field(
        description="The organization's payer account: Organizations, SCPs, Identity Center, the trail."
    )
    log_archive: Account = Field(description="Holds the central log buckets every account writes to (LOG-1).")
    audit: Account = Field(
        description="Delegated administrator of GuardDuty, Security Hub, Inspector, Macie, Config "
        "aggregation and Access Analyzer (the security stack)."
    )


class OrganizationalUnit(StrictModel):
    """An OU; environments name it by path (`Workloads/Prod`)."""

    name: OuName = Field(
        description="Up to 64 letters, digits, space, _ or -, starting with a letter; unique among siblings."
    )
    id: str | None = Field(
        default=None,
        pattern=r"^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$",
        description="Id of an existing OU (ou-...): the organization stack adopts it (import) "
        "instead of creating a new one.",
    )
    children: list[OrganizationalUnit] = Field(
        default_factory=list, description="Child OUs (Organizations allows five levels below the root)."
    )


# The role Control Tower (and its StackSets) uses in every enrolled account.
CONTROL_TOWER_EXECUTION_ROLE = "AWSControlTowerExecution"


class ControlTowerConfig(StrictModel):
    """Only read in `control_tower` mode."""

    version: str = Field(default="3.3", pattern=r"^\d+\.\d+$", description="Landing zone version.")
    access_management: bool = Field(
        default=False,
        description="Let Control Tower manage Identity Center groups and permission sets; off because "
        "the identity_center section owns them.",
    )
    region_deny_control: str = Field(
        default="CT.MULTISERVICE.PV.1",
        pattern=r"^[A-Za-z0-9._-]{3,64}$",
        description="Control that stands in for the region-deny SCP on OUs (the OU Region deny control).",
    )
    sso_user_first_name: str = Field(
        default="Platform",
        min_length=1,
        max_length=64,
        description="First name of the SSO user Account Factory creates with each new account.",
    )
    sso_user_last_name: str = Field(
        default="Team", min_length=1, max_length=64, description="Account Factory SSO user's last name."
    )


class LandingZoneConfig(StrictModel):
    """ORG-2: plain Organizations, or Control Tower (which then owns trail, Config, region deny)."""

    mode: Literal["organizations", "control_tower"] = Field(
        default="organizations",
        description="organizations: this project builds trail, Config and region deny; control_tower: "
        "an existing Control Tower landing zone owns them and new accounts come from Account Factory.",
    )
    security_ou: OuName = Field(
        default="Security",
        description="Top-level OU of the log-archive and audit accounts; created by Control Tower in "
        "control_tower mode.",
    )
    control_tower: ControlTowerConfig = Field(
        default_factory=ControlTowerConfig,
        description="Control Tower settings; read in control_tower mode only.",
    )
    organization_id: str | None = Field(
        default=None,
        pattern=r"^o-[a-z0-9]{10,32}$",
        description="Id of an existing organization (o-...): the organization stack adopts it "
        "(import) instead of creating one.",
    )


class Contact(StrictModel):
    """One alternate contact, as AWS Account Management stores it."""

    name: str = Field(min_length=1, max_length=64, description="Person or team, up to 64 characters.")
    title: str = Field(min_length=1, max_length=50, description="Role or title, up to 50 characters.")
    email: Email = Field(description="Where AWS sends notices of this kind.")
    phone: str = Field(pattern=r"^\+?[0-9 ()-]{6,25}$", description="E.g. +81 3 1234 5678.")


class ContactsConfig(StrictModel):
    """ORG-5: alternate contacts set on every account."""

    security: Contact = Field(description="Receives AWS security notices (abuse, compromised keys).")
    billing: Contact = Field(description="Receives billing and invoice notices.")
    operations: Contact = Field(description="Receives operational notices (service events, maintenance).")


def ou_paths(units: list[OrganizationalUnit], parent: str = "") -> list[str]:
    """Every OU as a path (`Workloads/Prod`), parents before children."""
    paths: list[str] = []
    for unit in units:
        path = f"{parent}/{unit.name}" if parent else unit.name
        paths.append(path)
        paths.extend(ou_paths(unit.children, path))
    return paths


# --- SCP guardrails (SCP-1..6) -----------------------------------------------------------------

_SCP_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
_ROLE_PATTERN = re.compile(r"^[A-Za-z0-9+=,.@_*/-]{1,512}$")
_IAM_ACTION = re.compile(r"^[a-z0-9-]+:[A-Za-z0-9*?]+$")


def _scp_name(value: object) -> object:
    from pydantic_core import PydanticCustomError

    if not isinstance(value, str) or not _SCP_NAME.match(value):
        raise PydanticCustomError(
            "scp_name",
            "{value} is not an SCP name (expected the kebab-case name of a template in "
            "policies/scp/, e.g. 'region-deny')",
            {"value": show(value)},
        )
    return value


def _role_pattern(value: object) -> object:
    from pydantic_core import PydanticCustomError

    if not isinstance(value, str) or not _ROLE_PATTERN.match(value):
        raise PydanticCustomError(
            "role_pattern",
            "{value} is not a role name pattern (expected a role name, optionally with a path "
            "and * or ? wildcards, e.g. 'BreakGlassAdmin' or 'aws-reserved/sso.amazonaws.com/*')",
            {"value": show(value)},
        )
    if not value.strip("*?/"):
        raise PydanticCustomError(
            "role_pattern_too_broad",
            "{value} would exempt every role (expected a role name or a narrower pattern)",
            {"value": show(value)},
        )
    return value


def _iam_action(value: object) -> object:
    from pydantic_core import PydanticCustomError

    if not isinstance(value, str) or not _IAM_ACTION.match(value) or value.startswith("*"):
        raise PydanticCustomError(
            "iam_action",
            "{value} is not an IAM action (expected service:Action with optional wildcards, "
            "e.g. 'wellarchitected:*')",
            {"value": show(value)},
        )
    return value


ScpName = Annotated[str, BeforeValidator(_scp_name)]
RolePattern = Annotated[str, BeforeValidator(_role_pattern)]
IamAction = Annotated[str, BeforeValidator(_iam_action)]
ScpList = Annotated[list[ScpName], UniqueList]

# Root holds four (+ FullAWSAccess = the AWS limit of five); the rest sit on every top-level OU,
# where every member account is (environments by their OU, core accounts in the security OU).
DEFAULT_ROOT_SCPS = [
    "deny-leave-organization",
    "deny-root-user",
    "log-protection",
    "protect-security-services",
]
DEFAULT_TOP_LEVEL_OU_SCPS = ["region-deny", "deny-iam-access-keys"]


class ScpAttachments(StrictModel):
    """Where each SCP is attached. Every target also carries AWS's FullAWSAccess (max 5 in all)."""

    root: ScpList = Field(
        default_factory=lambda: list(DEFAULT_ROOT_SCPS),
        description="Attached to the root, so to every account but the management account (SCP-1, SCP-3..5).",
    )
    top_level_ous: ScpList = Field(
        default_factory=lambda: list(DEFAULT_TOP_LEVEL_OU_SCPS),
        description="Attached to every top-level OU (in control_tower mode: every OU it does not own).",
    )
    ous: dict[str, ScpList] = Field(default_factory=dict, description="By OU path, e.g. 'Workloads/Prod'.")
    accounts: dict[str, ScpList] = Field(
        default_factory=dict, description="By account role: log_archive, audit or an environment name."
    )


class GuardrailsConfig(StrictModel):
    """SCP-1..6: what the SCP templates exempt and where they are attached."""

    region_deny_exempt_roles: Annotated[list[RolePattern], UniqueList] = Field(
        default_factory=lambda: [CONTROL_TOWER_EXECUTION_ROLE],
        description="Role names (path and wildcards allowed) the region deny spares, besides "
        "deployment.break_glass_role_names, which are always exempt.",
    )
    extra_global_actions: Annotated[list[IamAction], UniqueList] = Field(
        default_factory=list,
        description="More global-service actions the region deny lets through (beyond IAM, "
        "Organizations, STS, CloudFront, Route 53, Support, Budgets, Cost Explorer, ...).",
    )
    deny_iam_user_access_keys: bool = Field(
        default=True, description="Create and attach deny-iam-access-keys (IAM-7: no long-lived keys)."
    )
    attachments: ScpAttachments = Field(
        default_factory=ScpAttachments,
        description="Which templates of policies/scp/ go on which target (SCP-6: at most 5 each, "
        "FullAWSAccess included).",
    )
