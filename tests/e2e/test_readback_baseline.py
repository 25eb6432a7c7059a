"""The data perimeter, the account baseline and complete detection, read back from the emulator.

What moto cannot serve (IAM root access features, declarative EC2 policies, Macie's organization
configuration and members, Security Hub) is listed with its reason in exclusions.yaml; the offline
plan, checkov and the unit tiers cover it.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from modules.alarms.table import alarm_rows
from modules.config.topology import topology
from modules.iam_baseline.baseline import SUPPORT_ROLE_NAME
from modules.organization import rcp as r
from tests.e2e.conftest import Deployment
from tests.e2e.test_readback import applied, aws

pytestmark = [pytest.mark.e2e, pytest.mark.synth, pytest.mark.terraform]

STACKS = ["organization", "log-archive", "security", "dev", "prod", "stg"]
CORE = ["organization", "log-archive", "security"]


def account_key(deployment: Deployment, stack: str) -> str:
    return next(s.account_key for s in topology(deployment.estate).stacks if s.name == stack)


def test_rcps_are_attached_to_root(deployment: Deployment) -> None:
    """ORG-6: the RCPs exist, hold the organization's real id, and are attached to Root."""
    applied(deployment, "organization")
    organizations = aws(deployment, "management", "organizations")
    org_id = organizations.describe_organization()["Organization"]["Id"]
    policies = organizations.list_policies(Filter="RESOURCE_CONTROL_POLICY")["Policies"]
    by_name = {p["Name"]: p for p in policies}
    assert set(r.rcp_names(deployment.estate)) <= set(by_name)
    for name in r.rcp_names(deployment.estate):
        content = organizations.describe_policy(PolicyId=by_name[name]["Id"])["Policy"]["Content"]
        assert r.ORG_ID_STAND_IN not in content
        document = json.loads(content)
        assert all(s["Effect"] == "Deny" and s["Principal"] == "*" for s in document["Statement"])
        if name != "secure-transport":
            assert org_id in content, name
        targets = organizations.list_targets_for_policy(PolicyId=by_name[name]["Id"])["Targets"]
        assert [t["Type"] for t in targets] == ["ROOT"], name


def test_organization_trail_records_s3_data_events_of_the_log_buckets(deployment: Deployment) -> None:
    """LOG-7, read back with GetEventSelectors."""
    applied(deployment, "organization")
    cloudtrail = aws(deployment, "management", "cloudtrail")
    selectors = cloudtrail.get_event_selectors(TrailName="acme-organization-trail")["AdvancedEventSelectors"]
    by_name = {s["Name"]: {f["Field"]: f for f in s["FieldSelectors"]} for s in selectors}
    assert by_name["Management events"]["eventCategory"]["Equals"] == ["Management"]
    data = by_name["S3 data events"]
    assert data["resources.type"]["Equals"] == ["AWS::S3::Object"]
    assert f"arn:aws:s3:::{deployment.estate.log_bucket}/" in data["resources.ARN"]["StartsWith"]


def test_every_cis_monitoring_alarm_is_deployed(deployment: Deployment) -> None:
    """DET-3 and DET-5: one metric filter and one alarm per row, on the trail's log group."""
    applied(deployment, "organization")
    logs = aws(deployment, "management", "logs")
    filters = {f["filterName"]: f for f in logs.describe_metric_filters()["metricFilters"]}
    alarms = {
        a["AlarmName"] for a in aws(deployment, "management", "cloudwatch").describe_alarms()["MetricAlarms"]
    }
    for row in alarm_rows():
        name = f"{deployment.estate.organization.name}-{row.name}"
        assert name in filters, name
        assert filters[name]["filterPattern"] == row.pattern
        assert name in alarms, name


@pytest.mark.parametrize("stack", STACKS)
def test_default_vpc_is_closed_and_logged_in_every_region(stack: str, deployment: Deployment) -> None:
    """NET-7: every account, every approved region."""
    applied(deployment, stack)
    for region in deployment.estate.organization.approved_regions:
        ec2 = aws(deployment, account_key(deployment, stack), "ec2", region)
        (vpc,) = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"]
        vpc_id = vpc["VpcId"]
        (group,) = ec2.describe_security_groups(
            Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "group-name", "Values": ["default"]}]
        )["SecurityGroups"]
        assert group["IpPermissions"] == [] and group["IpPermissionsEgress"] == [], (stack, region)
        (acl,) = ec2.describe_network_acls(
            Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "default", "Values": ["true"]}]
        )["NetworkAcls"]
        allowing = [e for e in acl["Entries"] if e["RuleAction"] == "allow"]
        assert allowing == [], (stack, region, allowing)
        flow_logs = ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [vpc_id]}])["FlowLogs"]
        assert [f["TrafficType"] for f in flow_logs] == ["ALL"], (stack, region)


@pytest.mark.parametrize("stack", CORE)
def test_core_accounts_encrypt_ebs_by_default(stack: str, deployment: Deployment) -> None:
    applied(deployment, stack)
    for region in deployment.estate.organization.approved_regions:
        ec2 = aws(deployment, account_key(deployment, stack), "ec2", region)
        assert ec2.get_ebs_encryption_by_default()["EbsEncryptionByDefault"] is True, (stack, region)


@pytest.mark.parametrize("stack", STACKS)
def test_support_role_in_every_account(stack: str, deployment: Deployment) -> None:
    """CIS 1.17: the role exists and only the account's own principals may assume it (the attachment
    of AWSSupportAccess is excluded: moto does not know that managed policy)."""
    applied(deployment, stack)
    iam = aws(deployment, account_key(deployment, stack), "iam")
    role: dict[str, Any] = iam.get_role(RoleName=SUPPORT_ROLE_NAME)["Role"]
    trust = role["AssumeRolePolicyDocument"]
    if isinstance(trust, str):
        trust = json.loads(trust)
    account = role["Arn"].split(":")[4]
    assert [s["Principal"] for s in trust["Statement"]] == [{"AWS": f"arn:aws:iam::{account}:root"}]
    conditions = [s["Condition"]["ArnLike"]["aws:PrincipalArn"] for s in trust["Statement"]]
    assert all(arn.startswith(f"arn:aws:iam::{account}:role/") for arns in conditions for arn in arns)


def test_macie_is_enabled_in_the_audit_account(deployment: Deployment) -> None:
    """DET-6: Macie on in every approved region of the audit account."""
    applied(deployment, "security")
    for region in deployment.estate.organization.approved_regions:
        session = aws(deployment, "audit", "macie2", region).get_macie_session()
        assert session["status"] == "ENABLED", region
        assert session["findingPublishingFrequency"] == "FIFTEEN_MINUTES"
