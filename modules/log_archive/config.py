"""`log_archive:` retention and immutability of the central log buckets (LOG-3, LOG-4)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from modules.core.base import StrictModel
from modules.core.types import RetentionDays


class LogArchiveConfig(StrictModel):
    retention_days: RetentionDays = Field(
        default=365, description="Floor for every log store: S3, CloudWatch Logs, flow logs."
    )
    object_lock_mode: Literal["COMPLIANCE", "GOVERNANCE"] = "COMPLIANCE"
    transition_to_archive_days: int = Field(default=90, ge=30, description="Days to Glacier IR.")
