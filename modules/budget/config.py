"""`budget:` monthly cost budget per account with alerts and periodic reports (OPS-1, ORG-4)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from modules.core.base import StrictModel
from modules.core.types import Email

Percent = Annotated[int, Field(ge=1, le=1000)]


class BudgetConfig(StrictModel):
    monthly_limit_usd: float = Field(gt=0)
    actual_thresholds_percent: list[Percent] = Field(default_factory=lambda: [80, 100])
    forecast_thresholds_percent: list[Percent] = Field(default_factory=lambda: [100])
    report_frequency: Literal["daily", "weekly", "monthly"] = "weekly"
    emails: list[Email] = Field(min_length=1)
