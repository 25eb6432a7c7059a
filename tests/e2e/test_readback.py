"""What was deployed, read back from the emulator with boto3 (never from our own JSON)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import botocore.exceptions
import pytest

from modules.alarms.table import alarm_rows
from modules.config import Estate
from modules.config.topology import topology
from modules.organization.guardrails import attachments, is_scp
from tests.e2e.conftest import Deployment
from tests.e2e.harness import client, session_for

pytestmark = [pytest.mark.e2e, pytest.mark.synth, pytest.mark.terraform]


def aws(deployment: Deployment, account_key: str, service: str, region: str | None = None) -> Any:
    estate = deployment.estate
    account_id = estate.accounts()[account_key].id
    assert account_id is not None
    role = estate.organization.deployment.role_name
    return client(
        session_for(deployment.endpoint, account_id, role),
        service,
        deployment.endpoint,
        region or "ap-northeast-1",
    )


def applied(deployment: Deployment, stack: str) -> None:
    if deployment.runs[stack].apply_error is not None:
        pytest.fail(f"stack {stack} did not apply; see test_stack_applies[{stack}]")


def test_log_bucket_is_versioned_locked_and_denies_deletion(deployment: Deployment) -> None:
    """The deployed log bucket: versioning, Object Lock with the configured retention, and the
    TLS-only and no-deletion statements of its policy, all read back from the emulator."""
    applied(deployment, "log-archive")
    s3 = aws(deployment, "log_archive", "s3")
    bucket = deployment.estate.log_bucket
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    lock = s3.get_object_lock_configuration(Bucket=bucket)["ObjectLockConfiguration"]
    assert lock["ObjectLockEnabled"] == "Enabled"
    retention = lock["Rule"]["DefaultRetention"]
    assert retention["Mode"] == deployment.estate.organization.log_archive.object_lock_mode
    assert retention.get("Days", 0) >= 365 or retention.get("Years", 0) >= 1
    statements = {s["Sid"]: s for s in json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])["Statement"]}
    deny_delete = statements["DenyLogDeletion"]
    assert deny_delete["Effect"] == "Deny"
    assert deny_delete["Principal"] == "*"
    assert {"s3:DeleteObject", "s3:DeleteObjectVersion"} <= set(deny_delete["Action"])
    assert statements["DenyInsecureTransport"]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_locked_log_object_cannot_be_deleted_before_its_retention(deployment: Deployment) -> None:
    """A log object under the deployed bucket's Object Lock configuration cannot be deleted.

    No object can be written into the deployed bucket itself in moto: moto cannot evaluate the
    policy's `aws:SecureTransport` condition and so refuses every object call on it (HTTP 403, for
    any caller), and it delivers no CloudTrail or Config logs. So the test reads the Object Lock
    configuration back from the deployed bucket, applies exactly that configuration to a twin
    bucket in the same account, writes a log object the way the services do (no retention of its
    own: the bucket default applies) and tries to delete that version before its retention ends.
    """
    applied(deployment, "log-archive")
    s3 = aws(deployment, "log_archive", "s3")
    bucket = deployment.estate.log_bucket
    deployed = s3.get_object_lock_configuration(Bucket=bucket)["ObjectLockConfiguration"]
    retention = deployed["Rule"]["DefaultRetention"]
    twin = f"{bucket}-lock-twin"
    s3.create_bucket(
        Bucket=twin,
        ObjectLockEnabledForBucket=True,
        CreateBucketConfiguration={"LocationConstraint": "ap-northeast-1"},
    )
    s3.put_object_lock_configuration(Bucket=twin, ObjectLockConfiguration=deployed)
    assert s3.get_bucket_versioning(Bucket=twin)["Status"] == "Enabled"

    key = "AWSLogs/111111111111/CloudTrail/ap-northeast-1/e2e.json.gz"
    version = s3.put_object(Bucket=twin, Key=key, Body=b"{}")["VersionId"]
    head = s3.head_object(Bucket=twin, Key=key, VersionId=version)
    assert head["ObjectLockMode"] == retention["Mode"]
    days = retention.get("Days", 0) + 365 * retention.get("Years", 0)
    until = head["ObjectLockRetainUntilDate"]
    assert until > datetime.now(UTC) + timedelta(days=days - 1)

    # COMPLIANCE mode: not even a caller allowed to bypass governance retention may remove it.
    for bypass in (False, True) if retention["Mode"] == "COMPLIANCE" else (False,):
        with pytest.raises(botocore.exceptions.ClientError) as refused:
            s3.delete_object(Bucket=twin, Key=key, VersionId=version, BypassGovernanceRetention=bypass)
        assert refused.value.response["Error"]["Code"] == "AccessDenied"
    # A plain delete only hides the object behind a delete marker; the locked version stays.
    s3.delete_object(Bucket=twin, Key=key)
    assert s3.get_object(Bucket=twin, Key=key, VersionId=version)["Body"].read() == b"{}"


def _policy_targets(organizations: Any) -> Iterator[tuple[str, str]]:
    """(policy name, target name) for every SCP attachment."""
    for page in organizations.get_paginator("list_policies").paginate(Filter="SERVICE_CONTROL_POLICY"):
        for policy in page["Policies"]:
            for target in organizations.list_targets_for_policy(PolicyId=policy["Id"])["Targets"]:
                yield policy["Name"], target["Name"]


def expected_attachments(estate: Estate) -> set[tuple[str, str]]:
    """(guardrail, target name as Organizations shows it) for every configured SCP attachment."""
    accounts = estate.accounts()
    expected: set[tuple[str, str]] = set()
    for attachment in attachments(estate):
        target = attachment.target
        shown = {"root": "Root", "ou": target.name.split("/")[-1]}.get(target.kind) or accounts[
            target.name
        ].name
        expected.update(
            (guardrail, shown) for guardrail in attachment.guardrails if is_scp(estate, guardrail)
        )
    return expected


def test_scps_exist_and_are_attached_to_the_configured_targets(deployment: Deployment) -> None:
    applied(deployment, "organization")
    deployed = set(_policy_targets(aws(deployment, "management", "organizations")))
    expected = expected_attachments(deployment.estate)
    assert expected, "the sample attaches SCPs"
    for guardrail, target in sorted(expected):
        assert any(guardrail in name and shown == target for name, shown in deployed), (
            f"SCP {guardrail} is not attached to {target}; deployed: {sorted(deployed)}"
        )


def test_organization_trail_is_multi_region_with_log_file_validation(deployment: Deployment) -> None:
    applied(deployment, "organization")
    trails = aws(deployment, "management", "cloudtrail").describe_trails()["trailList"]
    (trail,) = [t for t in trails if t["Name"] == "acme-organization-trail"]
    assert trail["IsMultiRegionTrail"] is True
    assert trail["LogFileValidationEnabled"] is True
    assert trail["S3BucketName"] == deployment.estate.log_bucket


@pytest.mark.parametrize("stack", ["dev", "prod", "stg"])
def test_config_recorders_record_in_every_approved_region(stack: str, deployment: Deployment) -> None:
    applied(deployment, stack)
    for region in deployment.estate.organization.approved_regions:
        config = aws(deployment, stack, "config", region)
        recorders = config.describe_configuration_recorders()["ConfigurationRecorders"]
        assert recorders, f"no Config recorder in {stack} {region}"
        statuses = config.describe_configuration_recorder_status()["ConfigurationRecordersStatus"]
        assert all(status["recording"] for status in statuses), f"recorder stopped in {stack} {region}"


@pytest.mark.parametrize("stack", ["dev", "prod", "stg"])
def test_every_vpc_has_flow_logs_of_all_traffic(stack: str, deployment: Deployment) -> None:
    applied(deployment, stack)
    ec2 = aws(deployment, stack, "ec2")
    vpcs = [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"] if not v.get("IsDefault")]
    assert vpcs, f"no VPC in {stack}"
    logged = {f["ResourceId"]: f for f in ec2.describe_flow_logs()["FlowLogs"]}
    for vpc in vpcs:
        assert vpc in logged, f"VPC {vpc} in {stack} has no flow log"
        assert logged[vpc]["TrafficType"] == "ALL"


@pytest.mark.parametrize("stack", ["organization", "log-archive", "security", "dev", "prod", "stg"])
def test_password_policy_meets_iam_4(stack: str, deployment: Deployment) -> None:
    applied(deployment, stack)
    account_key = next(s.account_key for s in topology(deployment.estate).stacks if s.name == stack)
    policy = aws(deployment, account_key, "iam").get_account_password_policy()["PasswordPolicy"]
    assert policy["MinimumPasswordLength"] >= 14
    assert all(policy[k] for k in ("RequireSymbols", "RequireNumbers", "RequireUppercaseCharacters"))
    assert policy["RequireLowercaseCharacters"] and policy["AllowUsersToChangePassword"]
    assert policy["PasswordReusePrevention"] >= 24
    assert not policy.get("ExpirePasswords", False)


def test_every_det3_alarm_exists_with_an_action(deployment: Deployment) -> None:
    applied(deployment, "organization")
    alarms = aws(deployment, "management", "cloudwatch").describe_alarms()["MetricAlarms"]
    by_metric = {alarm["MetricName"]: alarm for alarm in alarms}
    for row in alarm_rows():
        assert row.metric_name in by_metric, f"no alarm for DET-3 class {row.name}"
        assert by_metric[row.metric_name]["AlarmActions"], f"alarm for {row.name} notifies nobody"
