"""The management account's DET-3 alarms, on the organization trail's log group."""

from __future__ import annotations

from constructs import Construct

from modules.alarms.construct import SecurityAlarms
from modules.alarms.table import alarm_rows
from modules.config.models import Estate
from modules.notifications.construct import NotificationTopic

ALARM_NAMESPACE = "LandingZone/CIS"


def management_alarms(
    scope: Construct,
    *,
    estate: Estate,
    account_id: str,
    region: str,
    deployment_role_arn: str,
    log_group_name: str,
) -> SecurityAlarms:
    """The CIS metric filters and alarms, notifying the security team through their own topic."""
    org = estate.organization
    topic = NotificationTopic(
        scope,
        "security-alarms",
        name=f"{org.name}-security-alarms",
        region=region,
        account_id=account_id,
        deployment_role_arn=deployment_role_arn,
        publishers=["cloudwatch.amazonaws.com"],
        notifications=org.notifications,
    )
    return SecurityAlarms(
        scope,
        "cis-alarms",
        prefix=org.name,
        namespace=ALARM_NAMESPACE,
        log_group_name=log_group_name,
        topic_arn=topic.topic.arn,
        rows=alarm_rows(),
    )
