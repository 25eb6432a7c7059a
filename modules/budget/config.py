"""`budget:` monthly cost budget per account with alerts and periodic reports (OPS-1, ORG-4)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from modules.core.base import StrictModel
from modules.core.types import Email, UniqueList

Percent = Annotated[int, Field(ge=1, le=1000)]


class BudgetConfig(StrictModel):
    monthly_limit_usd: float = Field(gt=0)
    actual_thresholds_percent: Annotated[list[Percent], UniqueList] = Field(default_factory=lambda: [80, 100])
    forecast_thresholds_percent: Annotated[list[Percent], UniqueList] = Field(default_factory=lambda: [100])
    report_frequency: Literal["daily", "weekly"] = Field(
        default="weekly",
        description="Cost Anomaly Detection summary e-mail. Monthly: the budget's own alerts (AWS "
        "Budgets reports have no API).",
    )
    emails: Annotated[list[Email], UniqueList] = Field(min_length=1, max_length=10)
