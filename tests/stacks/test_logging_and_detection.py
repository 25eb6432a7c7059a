"""Logging and detection of the synthesized sample: every approved region covered, DET-3 alarms
with actions, Object Lock and lifecycle never shorter than retention, no log group below the floor."""

from __future__ import annotations

from typing import Any

import pytest

from modules.alarms.table import alarm_rows
from modules.config import Estate
from tests.support import resources

pytestmark = pytest.mark.synth
Stacks = dict[str, dict[str, Any]]
FLOOR = 365


def _region_of(resource: dict[str, Any], estate: Estate) -> str:
    provider = resource.get("provider", "aws")  # "aws.<region>" for aliases, "aws" for the home region
    return provider.split(".", 1)[1] if "." in provider else estate.organization.home_region


def _regions(stack: dict[str, Any], resource_type: str, estate: Estate) -> list[str]:
    return sorted(_region_of(r, estate) for r in resources(stack, resource_type).values())


@pytest.mark.parametrize("stack_name", ["organization", "log-archive", "security", "prod", "stg", "dev"])
def test_config_records_in_every_approved_region(
    sample_stacks: Stacks, sample_estate: Estate, stack_name: str
) -> None:
    stack = sample_stacks[stack_name]
    approved = sorted(sample_estate.organization.approved_regions)
    for resource_type in ("aws_config_configuration_recorder", "aws_config_delivery_channel"):
        assert _regions(stack, resource_type, sample_estate) == approved, resource_type
    for recorder in resources(stack, "aws_config_configuration_recorder").values():
        home = _region_of(recorder, sample_estate) == sample_estate.organization.home_region
        assert recorder["recording_group"]["include_global_resource_types"] is home
    for channel in resources(stack, "aws_config_delivery_channel").values():
        assert channel["s3_bucket_name"] == sample_estate.log_bucket


def test_recording_frequency_follows_the_environment(sample_stacks: Stacks) -> None:
    def frequencies(name: str) -> set[str]:
        recorders = resources(sample_stacks[name], "aws_config_configuration_recorder").values()
        return {r["recording_mode"]["recording_frequency"] for r in recorders}

    assert frequencies("prod") == {"CONTINUOUS"}
    assert frequencies("dev") == {"DAILY"}
    assert frequencies("security") == {"CONTINUOUS"}


def test_guardduty_and_security_hub_in_every_approved_region(
    sample_stacks: Stacks, sample_estate: Estate
) -> None:
    security = sample_stacks["security"]
    approved = sorted(sample_estate.organization.approved_regions)
    for resource_type in (
        "aws_guardduty_detector",
        "aws_guardduty_organization_configuration",
        "aws_securityhub_account",
        "aws_securityhub_organization_configuration",
        "aws_inspector2_organization_configuration",
    ):
        assert _regions(security, resource_type, sample_estate) == approved, resource_type
    standards = [
        s["standards_arn"] for s in resources(security, "aws_securityhub_standards_subscription").values()
    ]
    for region in approved:
        in_region = [arn for arn in standards if f":{region}::" in arn]
        assert any("aws-foundational-security-best-practices" in arn for arn in in_region)
        assert any("cis-aws-foundations-benchmark/v/3.0.0" in arn for arn in in_region)
        assert any("pci-dss" in arn for arn in in_region)
    for config in resources(security, "aws_guardduty_organization_configuration").values():
        assert config["auto_enable_organization_members"] == "ALL"


def test_every_det3_class_has_a_filter_and_an_alarm_with_an_action(sample_stacks: Stacks) -> None:
    organization = sample_stacks["organization"]
    filters = {f["pattern"]: f for f in resources(organization, "aws_cloudwatch_log_metric_filter").values()}
    alarms = {a["metric_name"]: a for a in resources(organization, "aws_cloudwatch_metric_alarm").values()}
    trail_groups = {g["name"] for g in resources(organization, "aws_cloudwatch_log_group").values()}
    for row in alarm_rows():
        metric_filter = filters[row.pattern]
        assert metric_filter["metric_transformation"]["name"] == row.metric_name
        assert (
            "aws_cloudwatch_log_group" in metric_filter["log_group_name"]
            or metric_filter["log_group_name"] in trail_groups
        )
        alarm = alarms[row.metric_name]
        assert alarm["alarm_actions"] and all("aws_sns_topic" in action for action in alarm["alarm_actions"])
        assert alarm["namespace"] == metric_filter["metric_transformation"]["namespace"]


def test_organization_trail(sample_stacks: Stacks, sample_estate: Estate) -> None:
    (trail,) = resources(sample_stacks["organization"], "aws_cloudtrail").values()
    assert trail["is_organization_trail"] and trail["is_multi_region_trail"]
    assert trail["enable_log_file_validation"] and trail["include_global_service_events"]
    assert trail["s3_bucket_name"] == sample_estate.log_bucket
    assert trail["cloud_watch_logs_group_arn"] and trail["sns_topic_name"]
    # The trail names the log archive's key by an alias the log-archive stack creates.
    prefix, alias = trail["kms_key_id"].split(":alias/")
    assert prefix == "arn:aws:kms:ap-northeast-1:222222222222"
    aliases = {a["name"] for a in resources(sample_stacks["log-archive"], "aws_kms_alias").values()}
    assert f"alias/{alias}" in aliases


def test_object_lock_and_lifecycle_never_shorter_than_retention(
    sample_stacks: Stacks, sample_estate: Estate
) -> None:
    archive = sample_stacks["log-archive"]
    (lock,) = resources(archive, "aws_s3_bucket_object_lock_configuration").values()
    locked_days = lock["rule"]["default_retention"]["days"]
    longest = max(sample_estate.retention_days(env) for env in sample_estate.environments.values())
    assert locked_days >= max(FLOOR, longest)
    lifecycles = resources(archive, "aws_s3_bucket_lifecycle_configuration").values()
    assert len(lifecycles) == 2  # log bucket and access-log bucket
    for lifecycle in lifecycles:
        for rule in lifecycle["rule"]:
            assert rule["expiration"][0]["days"] >= locked_days
            assert rule["noncurrent_version_expiration"][0]["noncurrent_days"] >= locked_days
            assert rule["transition"][0]["days"] < rule["expiration"][0]["days"]
    buckets = {b["bucket"]: b for b in resources(archive, "aws_s3_bucket").values()}
    assert buckets[sample_estate.log_bucket]["object_lock_enabled"] is True
    assert buckets[sample_estate.access_log_bucket]["object_lock_enabled"] is False
    assert all(b["lifecycle"]["prevent_destroy"] for b in buckets.values())


def test_log_bucket_is_kms_encrypted_and_key_rotates(sample_stacks: Stacks) -> None:
    archive = sample_stacks["log-archive"]
    algorithms = sorted(
        rule["apply_server_side_encryption_by_default"]["sse_algorithm"]
        for sse in resources(archive, "aws_s3_bucket_server_side_encryption_configuration").values()
        for rule in sse["rule"]
    )
    assert algorithms == ["AES256", "aws:kms"]  # access logs cannot be delivered to SSE-KMS buckets
    assert all(key["enable_key_rotation"] for key in resources(archive, "aws_kms_key").values())


def test_no_log_group_keeps_less_than_a_year(sample_stacks: Stacks) -> None:
    for name, stack in sample_stacks.items():
        for address, group in resources(stack, "aws_cloudwatch_log_group").items():
            days = group.get("retention_in_days", 0)  # 0 / unset: never expires
            assert days == 0 or days >= FLOOR, (name, address, days)


def test_budget_alerts_and_report(sample_stacks: Stacks, sample_estate: Estate) -> None:
    for name, env in sample_estate.environments.items():
        (budget,) = resources(sample_stacks[name], "aws_budgets_budget").values()
        kinds = sorted((n["notification_type"], n["threshold"]) for n in budget["notification"])
        expected = [("ACTUAL", p) for p in env.budget.actual_thresholds_percent]
        expected += [("FORECASTED", p) for p in env.budget.forecast_thresholds_percent]
        assert kinds == sorted(expected)
        (report,) = resources(sample_stacks[name], "aws_ce_anomaly_subscription").values()
        assert report["frequency"] == env.budget.report_frequency.upper()
