"""`cloudtrail:` the organization trail (LOG-1, LOG-2, LOG-7) and where the CIS alarms read it (DET-3)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from modules.core.base import StrictModel
from modules.core.types import UniqueList


class CloudTrailConfig(StrictModel):
    """The organization trail: all regions, into the log bucket and CloudWatch Logs (LOG-1, LOG-2)."""

    create_trail_in_control_tower_mode: bool = Field(
        default=False,
        description="In control_tower mode Control Tower's organization trail is used; true adds ours "
        "as well (double cost, duplicate events).",
    )
    control_tower_log_group: str = Field(
        default="aws-controltower/CloudTrailLogs",
        pattern=r"^[A-Za-z0-9_./#-]{1,512}$",
        description="Log group of Control Tower's trail in the management account; the DET-3 metric "
        "filters sit on it when we create no trail.",
    )
    s3_data_events: Literal["log_buckets", "all_buckets"] = Field(
        default="log_buckets",
        description="LOG-7: S3 object-level (data) events recorded by the organization trail: the log "
        "buckets (always, plus s3_data_event_buckets), or every bucket of every account (CIS 3.x; cost "
        "grows with object traffic).",
    )
    s3_data_event_buckets: Annotated[list[str], UniqueList] = Field(
        default_factory=list,
        description="More bucket names whose object-level events are recorded (with log_buckets).",
    )
