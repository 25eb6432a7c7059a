"""`budget:` monthly cost budget per account with alerts and periodic reports (OPS-1, ORG-4)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from modules.core.base import StrictModel
from modules.core.types import Email, UniqueList

Percent = Annotated[int, Field(ge=1, le=1000)]
# AWS Budgets quota: at most 5 notifications per budget; each threshold here is one notification.
MAX_NOTIFICATIONS = 5


class BudgetConfig(StrictModel):
    """OPS-1, ORG-4: the account's monthly cost budget; at most 5 thresholds in all (AWS Budgets quota)."""

    monthly_limit_usd: float = Field(gt=0, description="The monthly cost budget in US dollars, above 0.")
    actual_thresholds_percent: Annotated[list[Percent], UniqueList] = Field(
        default_factory=lambda: [80, 100],
        description="E-mail when actual spend reaches these percentages (1-1000) of the limit.",
    )
    forecast_thresholds_percent: Annotated[list[Percent], UniqueList] = Field(
        default_factory=lambda: [100],
        description="E-mail when forecast spend reaches these percentages (1-1000) of the limit.",
    )
    report_frequency: Literal["daily", "weekly"] = Field(
        default="weekly",
        description="Cost Anomaly Detection summary e-mail. Monthly: the budget's own alerts (AWS "
        "Budgets reports have no API).",
    )
    emails: Annotated[list[Email], UniqueList] = Field(
        min_length=1, max_length=10, description="1-10 recipients of the alerts and cost summaries."
    )

    @model_validator(mode="after")
    def _within_notification_quota(self) -> BudgetConfig:
        count = len(self.actual_thresholds_percent) + len(self.forecast_thresholds_percent)
        if count > MAX_NOTIFICATIONS:
            raise PydanticCustomError(
                "budget_quota",
                "{count} thresholds in all would be {count} budget notifications (expected at most "
                "{limit} across actual_thresholds_percent and forecast_thresholds_percent; the AWS "
                "Budgets quota)",
                {"count": count, "limit": MAX_NOTIFICATIONS},
            )
        return self
