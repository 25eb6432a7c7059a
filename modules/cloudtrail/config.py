"""`cloudtrail:` the organization trail (LOG-1, LOG-2) and where the CIS alarms read it (DET-3)."""

from __future__ import annotations

from pydantic import Field

from modules.core.base import StrictModel


class CloudTrailConfig(StrictModel):
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
