"""The organization trail in the management account (LOG-1, LOG-2, LOG-5).

All regions, global service events, log file validation, SSE-KMS with the log archive's key (named by
its alias: no cross-stack lookup), delivery to the central log bucket, a copy in CloudWatch Logs (own
key, retention >= the floor) for the DET-3 metric filters, and an SNS topic for delivery notices.
"""

from __future__ import annotations

import json
from typing import Any

from cdktf_cdktf_provider_aws.cloudtrail import (
    Cloudtrail,
    CloudtrailAdvancedEventSelector,
    CloudtrailAdvancedEventSelectorFieldSelector,
)
from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from cdktf_cdktf_provider_aws.kms_key import KmsKey
from constructs import Construct

from modules.core.kms import cloudwatch_logs_encrypts, deployment_role_administers
from modules.notifications.construct import NotificationTopic


def trail_log_key_policy(*, account_id: str, region: str, deployment_role_arn: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            deployment_role_administers(deployment_role_arn),
            cloudwatch_logs_encrypts(region=region, account_id=account_id),
        ],
    }


def event_selectors(
    *, management_events: bool, s3_data_event_buckets: list[str] | None
) -> list[CloudtrailAdvancedEventSelector]:
    """Management events (LOG-1) and S3 object-level events (LOG-7): of `s3_data_event_buckets`,
    or of every bucket when it is None."""
    selectors = []
    if management_events:
        selectors.append(
            CloudtrailAdvancedEventSelector(
                name="Management events",
                field_selector=[
                    CloudtrailAdvancedEventSelectorFieldSelector(
                        field="eventCategory", equal_to=["Management"]
                    )
                ],
            )
        )
    data = [
        CloudtrailAdvancedEventSelectorFieldSelector(field="eventCategory", equal_to=["Data"]),
        CloudtrailAdvancedEventSelectorFieldSelector(field="resources.type", equal_to=["AWS::S3::Object"]),
    ]
    if s3_data_event_buckets is not None:
        prefixes = [f"arn:aws:s3:::{bucket}/" for bucket in s3_data_event_buckets]
        data.append(CloudtrailAdvancedEventSelectorFieldSelector(field="resources.ARN", starts_with=prefixes))
    selectors.append(CloudtrailAdvancedEventSelector(name="S3 data events", field_selector=data))
    return selectors


class OrganizationTrail(Construct):
    """Trail, its CloudWatch log group (+ key and delivery role) and its SNS topic."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        name: str,
        region: str,
        account_id: str,
        bucket_name: str,
        bucket_kms_key_arn: str,
        retention_days: int,
        deployment_role_arn: str,
        s3_data_event_buckets: list[str] | None,
    ) -> None:
        super().__init__(scope, construct_id)
        trail_arn = f"arn:aws:cloudtrail:{region}:{account_id}:trail/{name}"
        self.log_key = KmsKey(
            self,
            "log-group-key",
            description=f"Encrypts the {name} CloudWatch log group",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            policy=json.dumps(
                trail_log_key_policy(
                    account_id=account_id, region=region, deployment_role_arn=deployment_role_arn
                )
            ),
        )
        self.log_group = CloudwatchLogGroup(
            self,
            "log-group",
            name=f"/{name}",
            retention_in_days=retention_days,
            kms_key_id=self.log_key.arn,
        )
        self.delivery_role = IamRole(
            self,
            "delivery-role",
            name=f"{name}-to-cloudwatch",
            assume_role_policy=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "cloudtrail.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                            "Condition": {"StringEquals": {"aws:SourceArn": trail_arn}},
                        }
                    ],
                }
            ),
        )
        self.delivery_policy = IamRolePolicy(
            self,
            "delivery-policy",
            name="deliver-to-log-group",
            role=self.delivery_role.id,
            policy=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                            "Resource": f"arn:aws:logs:{region}:{account_id}:log-group:/{name}:log-stream:*",
                        }
                    ],
                }
            ),
        )
        self.topic = NotificationTopic(
            self,
            "delivery-topic",
            name=f"{name}-delivery",
            region=region,
            account_id=account_id,
            deployment_role_arn=deployment_role_arn,
            publishers=["cloudtrail.amazonaws.com"],
            notifications=None,  # one message per log file: for automation, not for people
        )
        self.trail = Cloudtrail(
            self,
            "trail",
            name=name,
            s3_bucket_name=bucket_name,
            kms_key_id=bucket_kms_key_arn,
            is_organization_trail=True,
            is_multi_region_trail=True,
            include_global_service_events=True,
            enable_log_file_validation=True,
            cloud_watch_logs_group_arn=f"{self.log_group.arn}:*",
            cloud_watch_logs_role_arn=self.delivery_role.arn,
            sns_topic_name=self.topic.topic.name,  # same account and region: the name suffices
            advanced_event_selector=event_selectors(
                management_events=True, s3_data_event_buckets=s3_data_event_buckets
            ),
            depends_on=[self.topic.policy, self.delivery_policy],
        )


class DataEventsTrail(Construct):
    """LOG-7 in control_tower mode: Control Tower's trail records no data events, so an organization
    trail of S3 data events only (no management events: Control Tower's trail has them)."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        name: str,
        bucket_name: str,
        bucket_kms_key_arn: str,
        s3_data_event_buckets: list[str] | None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.trail = Cloudtrail(
            self,
            "trail",
            name=name,
            s3_bucket_name=bucket_name,
            kms_key_id=bucket_kms_key_arn,
            is_organization_trail=True,
            is_multi_region_trail=True,
            include_global_service_events=False,
            enable_log_file_validation=True,
            advanced_event_selector=event_selectors(
                management_events=False, s3_data_event_buckets=s3_data_event_buckets
            ),
        )
