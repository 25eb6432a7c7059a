"""An encrypted SNS topic that AWS services publish to and administrators subscribe to (DET-1..3).

Used for GuardDuty / Security Hub findings (audit account, one per region: EventBridge targets a
topic in its own region) and for the CIS alarms (management account). The customer-managed key is
required: AWS services cannot publish to topics encrypted with the AWS-managed SNS key.
"""

from __future__ import annotations

import json
import re
from typing import Any

from cdktf import TerraformProvider
from cdktf_cdktf_provider_aws.cloudwatch_event_rule import CloudwatchEventRule
from cdktf_cdktf_provider_aws.cloudwatch_event_target import CloudwatchEventTarget
from cdktf_cdktf_provider_aws.kms_key import KmsKey
from cdktf_cdktf_provider_aws.sns_topic import SnsTopic
from cdktf_cdktf_provider_aws.sns_topic_policy import SnsTopicPolicy
from cdktf_cdktf_provider_aws.sns_topic_subscription import SnsTopicSubscription
from constructs import Construct

from modules.core.kms import deployment_role_administers
from modules.deployment.construct import RegionalProviders
from modules.notifications.config import NotificationsConfig


def topic_key_policy(*, account_id: str, deployment_role_arn: str, publishers: list[str]) -> dict[str, Any]:
    """Admin: the deployment role only. Use: the publishing services from this account; SNS itself."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            deployment_role_administers(deployment_role_arn),
            {
                "Sid": "PublishersEncrypt",
                "Effect": "Allow",
                "Principal": {"Service": publishers},
                "Action": ["kms:GenerateDataKey*", "kms:Decrypt"],
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
            },
        ],
    }


def topic_policy(*, topic_arn: str, account_id: str, publishers: list[str]) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ServicesPublish",
                "Effect": "Allow",
                "Principal": {"Service": publishers},
                "Action": "sns:Publish",
                "Resource": topic_arn,
                "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
            },
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "sns:Publish",
                "Resource": topic_arn,
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            },
        ],
    }


class NotificationTopic(Construct):
    """KMS key, topic, topic policy and one subscription per configured address."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        name: str,
        region: str,
        account_id: str,
        deployment_role_arn: str,
        publishers: list[str],
        notifications: NotificationsConfig | None,
        provider: TerraformProvider | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.key = KmsKey(
            self,
            "key",
            description=f"Encrypts the {name} topic",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            policy=json.dumps(
                topic_key_policy(
                    account_id=account_id, deployment_role_arn=deployment_role_arn, publishers=publishers
                )
            ),
            provider=provider,
        )
        self.topic = SnsTopic(self, "topic", name=name, kms_master_key_id=self.key.arn, provider=provider)
        self.arn = f"arn:aws:sns:{region}:{account_id}:{name}"  # literal: policies render without tokens
        self.policy = SnsTopicPolicy(
            self,
            "policy",
            arn=self.topic.arn,
            policy=json.dumps(topic_policy(topic_arn=self.arn, account_id=account_id, publishers=publishers)),
            provider=provider,
        )
        self.subscriptions: list[SnsTopicSubscription] = []
        if notifications is None:
            return
        endpoints = [("email", e) for e in notifications.security_emails]
        endpoints += [("https", url) for url in notifications.https_endpoints]
        for protocol, endpoint in endpoints:  # ids from the address: adding one renames none
            self.subscriptions.append(
                SnsTopicSubscription(
                    self,
                    f"{protocol}-{re.sub(r'[^A-Za-z0-9]+', '-', endpoint)}",
                    topic_arn=self.topic.arn,
                    protocol=protocol,
                    endpoint=endpoint,
                    provider=provider,
                )
            )


def guardduty_event_pattern(min_score: float) -> dict[str, Any]:
    return {
        "source": ["aws.guardduty"],
        "detail-type": ["GuardDuty Finding"],
        "detail": {"severity": [{"numeric": [">=", min_score]}]},
    }


def security_hub_event_pattern(severities: list[str]) -> dict[str, Any]:
    return {
        "source": ["aws.securityhub"],
        "detail-type": ["Security Hub Findings - Imported"],
        "detail": {
            "findings": {
                "Compliance": {"Status": ["FAILED"]},
                "Severity": {"Label": severities},
                "RecordState": ["ACTIVE"],
                "Workflow": {"Status": ["NEW"]},
            }
        },
    }


class FindingNotifications(Construct):
    """DET-1, DET-2: findings -> EventBridge -> encrypted topic -> administrators, in every region.

    GuardDuty findings are regional, so each region has its rule and its topic. Security Hub
    findings of every region arrive in the home region through the finding aggregator, so its rule
    is there only (one e-mail per finding, not one per region).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        prefix: str,
        providers: RegionalProviders,
        account_id: str,
        deployment_role_arn: str,
        notifications: NotificationsConfig,
        guardduty_min_score: float,
        security_hub_severities: list[str],
    ) -> None:
        super().__init__(scope, construct_id)
        self.topics: dict[str, NotificationTopic] = {}
        self.rules: dict[tuple[str, str], CloudwatchEventRule] = {}
        for region in providers.regions:
            provider = providers.for_region(region)
            topic = NotificationTopic(
                self,
                f"topic-{region}",
                name=f"{prefix}-security-findings",
                region=region,
                account_id=account_id,
                deployment_role_arn=deployment_role_arn,
                publishers=["events.amazonaws.com"],
                notifications=notifications,
                provider=provider,
            )
            patterns = {"guardduty": guardduty_event_pattern(guardduty_min_score)}
            if region == providers.home_region:
                patterns["securityhub"] = security_hub_event_pattern(security_hub_severities)
            for source, pattern in patterns.items():
                rule = CloudwatchEventRule(
                    self,
                    f"{source}-rule-{region}",
                    name=f"{prefix}-{source}-findings",
                    description=f"{source} findings to the security topic",
                    event_pattern=json.dumps(pattern),
                    provider=provider,
                )
                CloudwatchEventTarget(
                    self,
                    f"{source}-target-{region}",
                    rule=rule.name,
                    arn=topic.topic.arn,
                    target_id="security-topic",
                    provider=provider,
                )
                self.rules[(region, source)] = rule
            self.topics[region] = topic
