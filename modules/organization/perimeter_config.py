"""`resource_control_policies:`, `declarative_policies:` and `root_access:` in `organization.yaml`.

ORG-6 (data perimeter with RCPs), ORG-7 (declarative EC2 policy), IAM-9 (centralized root access).
The documents are data in `policies/rcp/` and `policies/declarative/`; these models only say which
are attached where, what they exempt, and which EC2 settings each OU gets.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field

from modules.core.base import StrictModel
from modules.core.types import AccountId, UniqueList

_POLICY_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
_TAG_KEY = re.compile(r"^[A-Za-z0-9_.:/=+@-]{1,128}$")


def _rcp_name(value: object) -> object:
    from pydantic_core import PydanticCustomError

    if not isinstance(value, str) or not _POLICY_NAME.match(value):
        raise PydanticCustomError(
            "rcp_name",
            "'{value}' is not an RCP name (expected the kebab-case name of a template in "
            "policies/rcp/, e.g. 'data-perimeter')",
            {"value": value},
        )
    return value


def _tag_key(value: object) -> object:
    from pydantic_core import PydanticCustomError

    if not isinstance(value, str) or not _TAG_KEY.match(value) or value.lower().startswith("aws:"):
        raise PydanticCustomError(
            "tag_key",
            "'{value}' is not a tag key (expected up to 128 letters, digits and _.:/=+@-, not starting "
            "with aws:, e.g. 'dp:exclude:identity')",
            {"value": value},
        )
    return value


def _yaml_off(value: object) -> object:
    """YAML 1.1 reads an unquoted `off` as false: take it as the mode it was meant to be."""
    return "off" if value is False else value


VpcBlockMode = Annotated[Literal["off", "block_ingress", "block_bidirectional"], BeforeValidator(_yaml_off)]
RcpName = Annotated[str, BeforeValidator(_rcp_name)]
RcpList = Annotated[list[RcpName], UniqueList]
TagKey = Annotated[str, BeforeValidator(_tag_key)]

DEFAULT_ROOT_RCPS = ["data-perimeter", "protect-log-archive", "secure-transport"]


class RcpAttachments(StrictModel):
    """Where each RCP is attached. Every target also carries AWS's RCPFullAWSAccess (max 5 in all)."""

    root: RcpList = Field(
        default_factory=lambda: list(DEFAULT_ROOT_RCPS),
        description="Templates of policies/rcp/ attached to the root: every member account's resources.",
    )
    ous: dict[str, RcpList] = Field(default_factory=dict, description="By OU path, e.g. 'Workloads/Prod'.")
    accounts: dict[str, RcpList] = Field(
        default_factory=dict, description="By account role: log_archive, audit or an environment name."
    )


class ResourceControlPoliciesConfig(StrictModel):
    """ORG-6: the data perimeter. RCPs never apply to the management account's own resources."""

    enabled: bool = Field(default=True, description="Enable the RCP policy type and attach the RCPs.")
    exempt_resource_tag: TagKey = Field(
        default="dp:exclude:identity",
        description="A resource tagged with this key and value 'true' is outside the identity perimeter "
        "(e.g. a bucket shared with a partner); the TLS and log-archive RCPs still apply.",
    )
    trusted_account_ids: Annotated[list[AccountId], UniqueList] = Field(
        default_factory=list,
        description="Accounts outside the organization whose principals may still reach its resources "
        "(e.g. the regional Elastic Load Balancing account that delivers access logs).",
    )
    attachments: RcpAttachments = Field(
        default_factory=RcpAttachments,
        description="Which RCPs go on which target (5 each, RCPFullAWSAccess included).",
    )


# --- declarative EC2 policy (ORG-7) ------------------------------------------------------------


class Ec2Settings(StrictModel):
    """The EC2 attributes a declarative policy enforces on every account below its target."""

    imdsv2_required: bool = Field(default=True, description="Instance metadata: IMDSv2 tokens required.")
    imds_hop_limit: int = Field(
        default=2, ge=1, le=64, description="IMDS response hop limit (containers: 2)."
    )
    block_public_ami_sharing: bool = Field(default=True, description="AMIs cannot be made public.")
    block_public_snapshot_sharing: bool = Field(
        default=True, description="EBS snapshots cannot be made public."
    )
    serial_console_disabled: bool = Field(default=True, description="EC2 serial console access off.")
    vpc_block_public_access: VpcBlockMode = Field(
        default="off",
        description="VPC Block Public Access: 'block_ingress' still lets NAT gateways reach out; "
        "'block_bidirectional' cuts every internet gateway path.",
    )
    allowed_image_providers: Annotated[list[str], UniqueList] = Field(
        default_factory=list,
        description="Allowed AMIs: providers ('amazon', 'aws-marketplace', 'aws-backup-vault' or "
        "account ids); empty leaves the Allowed AMIs setting untouched.",
    )


class DeclarativePoliciesConfig(StrictModel):
    """ORG-7: one declarative EC2 policy per distinct setting; `ous` override `root` per OU path."""

    enabled: bool = Field(default=True, description="Enable DECLARATIVE_POLICY_EC2 and attach the policies.")
    root: Ec2Settings = Field(default_factory=Ec2Settings, description="Attached to the root: every account.")
    ous: dict[str, Ec2Settings] = Field(
        default_factory=dict,
        description="By OU path: a full settings block that replaces the root's for that OU and below.",
    )


# --- centralized root access (IAM-9) -----------------------------------------------------------


class RootAccessConfig(StrictModel):
    """IAM-9: member accounts hold no root credentials; root tasks run as short root sessions."""

    credentials_management: bool = Field(
        default=True,
        description="RootCredentialsManagement: new accounts are created without root credentials and "
        "the management account can delete existing ones.",
    )
    root_sessions: bool = Field(
        default=True,
        description="RootSessions: the management account performs privileged root tasks (unlock a "
        "bucket policy, ...) through short sessions instead of root passwords.",
    )

    @property
    def features(self) -> list[str]:
        enabled = {
            "RootCredentialsManagement": self.credentials_management,
            "RootSessions": self.root_sessions,
        }
        return [name for name, on in enabled.items() if on]
