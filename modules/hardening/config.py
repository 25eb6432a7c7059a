"""`hardening:` account-level defaults of an environment account (DAT-1, DAT-3, DAT-4).

EBS encryption by default, S3 account Block Public Access and IMDSv2 are not optional; only
their tunables are configured here.
"""

from __future__ import annotations

from pydantic import Field

from modules.core.base import StrictModel


class HardeningConfig(StrictModel):
    """DAT-1, DAT-3: EBS encryption by default, S3 Block Public Access, IMDSv2; only tunables here."""

    imds_hop_limit: int = Field(
        default=2,
        ge=1,
        le=64,
        description="IMDSv2 response hop limit for new instances; 2 lets containers on the host reach it.",
    )
    kms_deletion_window_days: int = Field(
        default=30,
        ge=7,
        le=30,
        description="Days (7-30) a scheduled deletion of the account's KMS keys waits.",
    )
