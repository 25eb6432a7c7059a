"""AWS Config in one account: recorder + delivery channel + the CFG-3 rules in every approved region,
and (audit account) the organization aggregator (CFG-1..4).

Global resources (IAM) are recorded in the home region only, so they are not recorded (and paid
for) once per region; rules on them are deployed there only. In `control_tower` mode Control Tower
owns the recorder of enrolled accounts: `create_recorder=False` keeps only the rules.
"""

from __future__ import annotations

import json
from typing import Literal

from cdktf import TerraformResource
from cdktf_cdktf_provider_aws.config_config_rule import ConfigConfigRule, ConfigConfigRuleSource
from cdktf_cdktf_provider_aws.config_configuration_aggregator import (
    ConfigConfigurationAggregator,
    ConfigConfigurationAggregatorOrganizationAggregationSource,
)
from cdktf_cdktf_provider_aws.config_configuration_recorder import (
    ConfigConfigurationRecorder,
    ConfigConfigurationRecorderRecordingGroup,
    ConfigConfigurationRecorderRecordingMode,
)
from cdktf_cdktf_provider_aws.config_configuration_recorder_status import ConfigConfigurationRecorderStatus
from cdktf_cdktf_provider_aws.config_delivery_channel import (
    ConfigDeliveryChannel,
    ConfigDeliveryChannelSnapshotDeliveryProperties,
)
from cdktf_cdktf_provider_aws.config_retention_configuration import ConfigRetentionConfiguration
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment
from cdktf_cdktf_provider_aws.iam_service_linked_role import IamServiceLinkedRole
from constructs import Construct

from modules.aws_config.managed_rules import ManagedRule
from modules.deployment.construct import RegionalProviders

# Config keeps its history at most seven years; the S3 copy in the log archive keeps the rest.
MAX_CONFIG_RETENTION_DAYS = 2557
FREQUENCY = {"continuous": "CONTINUOUS", "daily": "DAILY"}


class ConfigRecorder(Construct):
    """`recorders`, `delivery_channels` and `rules` by region (rules by (region, name))."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        providers: RegionalProviders,
        recording_frequency: Literal["continuous", "daily"],
        bucket_name: str,
        retention_days: int,
        rules: tuple[ManagedRule, ...],
        create_recorder: bool = True,
    ) -> None:
        super().__init__(scope, construct_id)
        self._providers = providers
        self.recorders: dict[str, ConfigConfigurationRecorder] = {}
        self.delivery_channels: dict[str, ConfigDeliveryChannel] = {}
        self.rules: dict[tuple[str, str], ConfigConfigRule] = {}
        self.service_role = (
            IamServiceLinkedRole(self, "service-role", aws_service_name="config.amazonaws.com")
            if create_recorder
            else None
        )
        for region in providers.regions:
            ready: list[TerraformResource] = []
            if self.service_role is not None:
                ready = self._recorder(region, recording_frequency, bucket_name, retention_days)
            for rule in rules:
                if region == providers.home_region or not rule.global_:
                    self._rule(region, rule, ready)

    def _recorder(
        self, region: str, frequency: str, bucket_name: str, retention_days: int
    ) -> list[TerraformResource]:
        assert self.service_role is not None
        provider = self._providers.for_region(region)
        home = region == self._providers.home_region
        recorder = ConfigConfigurationRecorder(
            self,
            f"recorder-{region}",
            name="default",
            role_arn=self.service_role.arn,
            recording_group=ConfigConfigurationRecorderRecordingGroup(
                all_supported=True, include_global_resource_types=home
            ),
            recording_mode=ConfigConfigurationRecorderRecordingMode(recording_frequency=FREQUENCY[frequency]),
            provider=provider,
        )
        channel = ConfigDeliveryChannel(
            self,
            f"delivery-channel-{region}",
            name="default",
            s3_bucket_name=bucket_name,
            snapshot_delivery_properties=ConfigDeliveryChannelSnapshotDeliveryProperties(
                delivery_frequency="TwentyFour_Hours"
            ),
            depends_on=[recorder],
            provider=provider,
        )
        status = ConfigConfigurationRecorderStatus(
            self,
            f"recorder-status-{region}",
            name=recorder.name,
            is_enabled=True,
            depends_on=[channel],
            provider=provider,
        )
        ConfigRetentionConfiguration(
            self,
            f"retention-{region}",
            retention_period_in_days=min(retention_days, MAX_CONFIG_RETENTION_DAYS),
            depends_on=[recorder],
            provider=provider,
        )
        self.recorders[region], self.delivery_channels[region] = recorder, channel
        return [status]

    def _rule(self, region: str, rule: ManagedRule, ready: list[TerraformResource]) -> None:
        self.rules[(region, rule.name)] = ConfigConfigRule(
            self,
            f"rule-{rule.name}-{region}",
            name=rule.name,
            description=f"{rule.requirement}: AWS managed rule {rule.identifier}",
            source=ConfigConfigRuleSource(owner="AWS", source_identifier=rule.identifier),
            input_parameters=json.dumps(rule.input) if rule.input else None,
            depends_on=ready or None,
            provider=self._providers.for_region(region),
        )


class ConfigAggregator(Construct):
    """CFG-4: every account and approved region, aggregated in the audit (delegated admin) account."""

    def __init__(self, scope: Construct, construct_id: str, *, name: str, regions: list[str]) -> None:
        super().__init__(scope, construct_id)
        self.role = IamRole(
            self,
            "role",
            name=f"{name}-aggregator",
            assume_role_policy=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "config.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ],
                }
            ),
        )
        self.role_policy = IamRolePolicyAttachment(
            self,
            "role-policy",
            role=self.role.name,
            policy_arn="arn:aws:iam::aws:policy/service-role/AWSConfigRoleForOrganizations",
        )
        self.aggregator = ConfigConfigurationAggregator(
            self,
            "aggregator",
            name=f"{name}-organization",
            organization_aggregation_source=ConfigConfigurationAggregatorOrganizationAggregationSource(
                role_arn=self.role.arn, regions=regions
            ),
            depends_on=[self.role_policy],
        )
