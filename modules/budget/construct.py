"""Cost budget of one account with threshold alerts and a periodic summary (OPS-1, ORG-4).

The alerts are AWS Budgets notifications (actual and forecast, % of the monthly limit). The periodic
summary is a Cost Anomaly Detection subscription (daily or weekly e-mail): AWS Budgets *reports*
have no API, and a budget only mails when a threshold is crossed.
"""

from __future__ import annotations

from cdktf_cdktf_provider_aws.budgets_budget import BudgetsBudget, BudgetsBudgetNotification
from cdktf_cdktf_provider_aws.ce_anomaly_monitor import CeAnomalyMonitor
from cdktf_cdktf_provider_aws.ce_anomaly_subscription import (
    CeAnomalySubscription,
    CeAnomalySubscriptionSubscriber,
    CeAnomalySubscriptionThresholdExpression,
    CeAnomalySubscriptionThresholdExpressionDimension,
)
from constructs import Construct

from modules.budget.config import BudgetConfig

# Every anomaly of at least one dollar goes into the summary.
SUMMARY_MIN_IMPACT_USD = "1"


def _notification(kind: str, percent: int, emails: list[str]) -> BudgetsBudgetNotification:
    return BudgetsBudgetNotification(
        notification_type=kind,
        comparison_operator="GREATER_THAN",
        threshold=percent,
        threshold_type="PERCENTAGE",
        subscriber_email_addresses=emails,
    )


class Budget(Construct):
    """`budget`, `anomaly_monitor`, `report`."""

    def __init__(
        self, scope: Construct, construct_id: str, *, name: str, account_id: str, config: BudgetConfig
    ) -> None:
        super().__init__(scope, construct_id)
        emails = list(config.emails)
        self.budget = BudgetsBudget(
            self,
            "monthly",
            name=f"{name}-monthly",
            account_id=account_id,
            budget_type="COST",
            limit_amount=f"{config.monthly_limit_usd:.2f}",
            limit_unit="USD",
            time_unit="MONTHLY",
            notification=[
                *(_notification("ACTUAL", p, emails) for p in config.actual_thresholds_percent),
                *(_notification("FORECASTED", p, emails) for p in config.forecast_thresholds_percent),
            ],
        )
        self.anomaly_monitor = CeAnomalyMonitor(
            self,
            "anomaly-monitor",
            name=f"{name}-services",
            monitor_type="DIMENSIONAL",
            monitor_dimension="SERVICE",
        )
        self.report = CeAnomalySubscription(
            self,
            "report",
            name=f"{name}-{config.report_frequency}-cost-summary",
            frequency=config.report_frequency.upper(),
            monitor_arn_list=[self.anomaly_monitor.arn],
            subscriber=[CeAnomalySubscriptionSubscriber(type="EMAIL", address=email) for email in emails],
            threshold_expression=CeAnomalySubscriptionThresholdExpression(
                dimension=CeAnomalySubscriptionThresholdExpressionDimension(
                    key="ANOMALY_TOTAL_IMPACT_ABSOLUTE",
                    match_options=["GREATER_THAN_OR_EQUAL"],
                    values=[SUMMARY_MIN_IMPACT_USD],
                )
            ),
        )
