"""CloudWatch metric filters + alarms for every DET-3 event class, from `policies/cis_alarms.yaml`.

One filter and one alarm per table row on the trail's log group; each alarm notifies the topic.
"""

from __future__ import annotations

from cdktf_cdktf_provider_aws.cloudwatch_log_metric_filter import (
    CloudwatchLogMetricFilter,
    CloudwatchLogMetricFilterMetricTransformation,
)
from cdktf_cdktf_provider_aws.cloudwatch_metric_alarm import CloudwatchMetricAlarm
from constructs import Construct

from modules.alarms.table import AlarmRow

PERIOD_SECONDS = 300


class SecurityAlarms(Construct):
    """`filters` and `alarms` by row name."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        prefix: str,
        namespace: str,
        log_group_name: str,
        topic_arn: str,
        rows: tuple[AlarmRow, ...],
    ) -> None:
        super().__init__(scope, construct_id)
        self.filters: dict[str, CloudwatchLogMetricFilter] = {}
        self.alarms: dict[str, CloudwatchMetricAlarm] = {}
        for row in rows:
            self.filters[row.name] = CloudwatchLogMetricFilter(
                self,
                f"{row.name}-filter",
                name=f"{prefix}-{row.name}",
                log_group_name=log_group_name,
                pattern=row.pattern,
                metric_transformation=CloudwatchLogMetricFilterMetricTransformation(
                    name=row.metric_name, namespace=namespace, value="1", default_value="0"
                ),
            )
            self.alarms[row.name] = CloudwatchMetricAlarm(
                self,
                f"{row.name}-alarm",
                alarm_name=f"{prefix}-{row.name}",
                alarm_description=f"{row.requirement}: {row.event_class}",
                namespace=namespace,
                metric_name=row.metric_name,
                statistic="Sum",
                period=PERIOD_SECONDS,
                evaluation_periods=1,
                threshold=1,
                comparison_operator="GreaterThanOrEqualToThreshold",
                treat_missing_data="notBreaching",
                alarm_actions=[topic_arn],
                depends_on=[self.filters[row.name]],
            )
