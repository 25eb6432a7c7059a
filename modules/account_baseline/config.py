"""`account_baseline:` what every account gets, core accounts included (NET-7, DAT-1, DAT-3).

The default VPC AWS creates in every region of every account is hardened (default network ACL and
security group emptied, flow logs to the log archive) or removed; the core accounts (management,
log-archive, audit) also get EBS encryption by default and the S3 account public access block that
environment accounts get from `hardening:`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from modules.core.base import StrictModel

DefaultVpcMode = Literal["harden", "remove"]


class AccountBaselineConfig(StrictModel):
    """NET-7: the default VPC of every account and approved region, core accounts included."""

    default_vpc: DefaultVpcMode = Field(
        default="harden",
        description="harden: default NACL and security group without rules, flow logs on; remove: "
        "delete the default VPC (an account is hardened first; see modules/account_baseline/README.md).",
    )
    accounts: dict[str, DefaultVpcMode] = Field(
        default_factory=dict,
        description="Per account role (management, log_archive, audit or an environment name): "
        "overrides default_vpc.",
    )
