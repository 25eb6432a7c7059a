"""`log_archive:` retention and immutability of the central log buckets (LOG-3, LOG-4)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from modules.core.base import StrictModel
from modules.core.types import RetentionDays


class LogArchiveConfig(StrictModel):
    """The central log buckets in the log-archive account; their retention is every account's floor."""

    retention_days: RetentionDays = Field(
        default=365,
        description="Days logs are kept, at least 365 (LOG-3), one of the periods CloudWatch Logs offers: "
        "floor for every log store (S3, CloudWatch Logs, Config, flow logs); environments may raise it.",
    )
    object_lock_mode: Literal["COMPLIANCE", "GOVERNANCE"] = Field(
        default="COMPLIANCE",
        description="Object Lock default retention of the log bucket (LOG-4): COMPLIANCE binds every "
        "user, root included; GOVERNANCE can be bypassed with s3:BypassGovernanceRetention.",
    )
    transition_to_archive_days: int = Field(
        default=90,
        ge=30,
        description="Days after which log objects move to S3 Glacier Instant Retrieval; at least 30 and "
        "fewer than retention_days.",
    )
    bucket_name: str | None = Field(
        default=None,
        pattern=r"^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$",
        description="Central log bucket; null: `<estate>-log-archive-<account id>-<home region>`.",
    )


def log_bucket_name(
    estate_name: str, log_archive: LogArchiveConfig, account_id: str | None, home_region: str
) -> str:
    """The central log bucket (CloudTrail, Config, flow logs). SCP-1 protects exactly this name."""
    if log_archive.bucket_name:
        return log_archive.bucket_name
    return f"{estate_name}-log-archive-{account_id or 'new'}-{home_region}"


def access_log_bucket_name(log_bucket: str) -> str:
    """Server access logs of the log bucket go to a separate bucket (Object Lock blocks self-delivery)."""
    return f"{log_bucket[:52]}-access-logs"
