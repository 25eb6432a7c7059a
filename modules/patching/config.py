"""`patching:` SSM Patch Manager of an environment: baselines per OS, one weekly window (OPS-2).

Every environment shares a base window (`day`, `start_hour`) and is shifted by `offset_days`;
the same offset delays patch approval, so production installs exactly what staging installed
`offset_days` earlier. Defaults: production 2 days after staging and development.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from modules.core.base import StrictModel
from modules.core.types import TimeZone, UniqueList

WEEKDAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
Weekday = Literal["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"]
OperatingSystem = Literal["AMAZON_LINUX_2023", "AMAZON_LINUX_2", "REDHAT_ENTERPRISE_LINUX", "WINDOWS"]
PRODUCTION_OFFSET_DAYS = 2


def _default_operating_systems() -> list[OperatingSystem]:
    return ["AMAZON_LINUX_2023"]


class PatchingConfig(StrictModel):
    """OPS-2: one weekly maintenance window; production patches `offset_days` after staging."""

    operating_systems: Annotated[list[OperatingSystem], UniqueList] = Field(
        default_factory=_default_operating_systems,
        min_length=1,
        description="One patch baseline and patch group per OS.",
    )
    approve_after_days: int = Field(
        default=7, ge=0, le=90, description="Days after release a patch is approved (before the offset)."
    )
    day: Weekday = Field(default="TUE", description="Base maintenance window day, before the offset.")
    start_hour: int = Field(default=18, ge=0, le=23, description="Window start hour in `timezone`.")
    timezone: TimeZone = Field(default="UTC", description="IANA time zone, e.g. Asia/Tokyo.")
    duration_hours: int = Field(default=3, ge=1, le=24, description="Window length in hours (1-24).")
    cutoff_hours: int = Field(default=1, ge=0, le=23, description="No new tasks this long before the end.")
    offset_days: int | None = Field(
        default=None,
        ge=0,
        le=6,
        description=f"Days (0-6) after the base window this environment patches; null: "
        f"{PRODUCTION_OFFSET_DAYS} in production, 0 elsewhere, so staging goes first.",
    )

    def effective_offset(self, stage: str) -> int:
        if self.offset_days is not None:
            return self.offset_days
        return PRODUCTION_OFFSET_DAYS if stage == "production" else 0

    def window_day(self, stage: str) -> str:
        return WEEKDAYS[(WEEKDAYS.index(self.day) + self.effective_offset(stage)) % len(WEEKDAYS)]

    def schedule(self, stage: str) -> str:
        return f"cron(0 {self.start_hour} ? * {self.window_day(stage)} *)"

    def approval_delay(self, stage: str) -> int:
        return self.approve_after_days + self.effective_offset(stage)
