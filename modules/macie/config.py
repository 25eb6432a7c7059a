"""`macie:` sensitive-data discovery in S3, organization-wide (DET-6, AWS FSBP Macie.1)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from modules.core.base import StrictModel


class MacieConfig(StrictModel):
    """DET-6: automated sensitive-data discovery in S3, audit account as administrator."""

    enabled: bool = Field(
        default=True,
        description="Macie in every approved region with the audit account as delegated administrator; "
        "every member account enabled.",
    )
    finding_publishing_frequency: Literal["FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS"] = Field(
        default="FIFTEEN_MINUTES",
        description="How often updates of existing policy findings reach EventBridge; new ones go at once.",
    )
