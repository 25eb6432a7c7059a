"""Finding notifications of the audit account, from the estate (DET-1, DET-2)."""

from __future__ import annotations

from constructs import Construct

from modules.config.models import Estate
from modules.deployment.construct import RegionalProviders
from modules.notifications.construct import FindingNotifications


def audit_notifications(
    scope: Construct,
    *,
    estate: Estate,
    providers: RegionalProviders,
    account_id: str,
    deployment_role_arn: str,
) -> FindingNotifications:
    """GuardDuty findings over the configured score and Security Hub findings of the configured
    severities, to the security team."""
    org = estate.organization
    return FindingNotifications(
        scope,
        "finding-notifications",
        prefix=org.name,
        providers=providers,
        account_id=account_id,
        deployment_role_arn=deployment_role_arn,
        notifications=org.notifications,
        guardduty_min_score=org.guardduty.notify_min_score,
        security_hub_severities=list(org.security_hub.notify_severities),
    )
