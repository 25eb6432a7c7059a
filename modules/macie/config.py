"""`macie:` sensitive-data discovery in S3, organization-wide (DET-6, AWS FSBP Macie.1)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from modules.core.base import StrictModel


class MacieConfig(StrictModel):
    enabled: bool = Field(
        default=True,
        description="Macie in every approved region with the audit account as delegated administrator; "
        "every member account enabled.",
    )
    finding_publishing_frequency: Literal["FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS"] = "FIFTEEN_MINUTES"
