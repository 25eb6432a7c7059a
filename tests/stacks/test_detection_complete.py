"""DET-5..7, LOG-7: what the scanner found missing is in the synthesized estate."""

from __future__ import annotations

import json
from typing import Any

import pytest

from modules.iam_baseline.baseline import SUPPORT_POLICY_ARN, SUPPORT_ROLE_NAME
from tests.support import load_variant, resources, synthesize_to

pytestmark = pytest.mark.synth

REGIONS = ("ap-northeast-1", "ap-northeast-3")


def test_trail_records_s3_data_events_of_the_log_buckets(
    sample_stacks: dict[str, Any], sample_estate: Any
) -> None:
    (trail,) = resources(sample_stacks["organization"], "aws_cloudtrail").values()
    selectors = {s["name"]: s["field_selector"] for s in trail["advanced_event_selector"]}
    assert selectors["Management events"] == [{"field": "eventCategory", "equals": ["Management"]}]
    data = {f["field"]: f for f in selectors["S3 data events"]}
    assert data["eventCategory"]["equals"] == ["Data"]
    assert data["resources.type"]["equals"] == ["AWS::S3::Object"]
    assert data["resources.ARN"]["starts_with"] == [
        f"arn:aws:s3:::{sample_estate.log_bucket}/",
        f"arn:aws:s3:::{sample_estate.access_log_bucket}/",
    ]


@pytest.fixture(scope="module")
def variants(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    def all_buckets_ct(files: dict[str, Any]) -> None:
        files["organization"]["landing_zone"]["mode"] = "control_tower"
        files["organization"]["cloudtrail"] = {"s3_data_events": "all_buckets"}

    def no_macie(files: dict[str, Any]) -> None:
        files["organization"]["macie"] = {"enabled": False}
        files["organization"]["guardduty"] = {"rds_protection": False}

    built = {}
    for name, edit in {"ct": all_buckets_ct, "off": no_macie}.items():
        root = tmp_path_factory.mktemp(name)
        built[name] = synthesize_to(load_variant(root / "env", edit), root / "out")
    return built


def test_control_tower_mode_gets_a_data_events_trail(variants: dict[str, dict[str, Any]]) -> None:
    (trail,) = resources(variants["ct"]["organization"], "aws_cloudtrail").values()
    assert trail["is_organization_trail"] is True
    (selector,) = trail["advanced_event_selector"]  # no management events: Control Tower's trail has them
    assert selector["name"] == "S3 data events"
    assert "resources.ARN" not in {f["field"] for f in selector["field_selector"]}  # all_buckets


def test_guardduty_enables_every_protection_plan(sample_stacks: dict[str, Any]) -> None:
    stack = sample_stacks["security"]
    features = resources(stack, "aws_guardduty_organization_configuration_feature").values()
    enabled = {(f["name"], f.get("provider", "aws")) for f in features if f["auto_enable"] == "ALL"}
    for name in (
        "S3_DATA_EVENTS",
        "EKS_AUDIT_LOGS",
        "EBS_MALWARE_PROTECTION",
        "RDS_LOGIN_EVENTS",
        "LAMBDA_NETWORK_LOGS",
        "RUNTIME_MONITORING",
    ):
        assert {region for n, region in enabled if n == name} == {"aws", "aws.ap-northeast-3"}, name
    runtime = [f for f in features if f["name"] == "RUNTIME_MONITORING"]
    agents = {c["name"] for c in runtime[0]["additional_configuration"]}
    assert agents == {"EKS_ADDON_MANAGEMENT", "ECS_FARGATE_AGENT_MANAGEMENT", "EC2_AGENT_MANAGEMENT"}
    detector = {f["name"]: f["status"] for f in resources(stack, "aws_guardduty_detector_feature").values()}
    assert detector["RDS_LOGIN_EVENTS"] == "ENABLED"


def test_a_switched_off_plan_is_disabled_not_forgotten(variants: dict[str, dict[str, Any]]) -> None:
    features = resources(variants["off"]["security"], "aws_guardduty_organization_configuration_feature")
    rds = [f for f in features.values() if f["name"] == "RDS_LOGIN_EVENTS"]
    assert rds and all(f["auto_enable"] == "NONE" for f in rds)


def test_macie_in_the_audit_account_as_delegated_administrator(sample_stacks: dict[str, Any]) -> None:
    admins = resources(sample_stacks["organization"], "aws_macie2_organization_admin_account").values()
    assert sorted(a.get("provider", "aws") for a in admins) == ["aws", "aws.ap-northeast-3"]
    assert {a["admin_account_id"] for a in admins} == {"333333333333"}
    org = resources(sample_stacks["organization"], "aws_organizations_organization")["organization"]
    assert "macie.amazonaws.com" in org["aws_service_access_principals"]
    security = sample_stacks["security"]
    assert len(resources(security, "aws_macie2_account")) == len(REGIONS)
    assert all(
        c["auto_enable"] is True
        for c in resources(security, "aws_macie2_organization_configuration").values()
    )
    members = {m["account_id"] for m in resources(security, "aws_macie2_member").values()}
    assert "333333333333" not in members and "111111111111" in members and len(members) == 5


def test_macie_switched_off(variants: dict[str, dict[str, Any]]) -> None:
    assert resources(variants["off"]["security"], "aws_macie2_account") == {}
    assert resources(variants["off"]["organization"], "aws_macie2_organization_admin_account") == {}


@pytest.mark.parametrize("stack", ("organization", "log-archive", "security", "prod", "stg", "dev"))
def test_every_account_has_the_support_role(sample_stacks: dict[str, Any], stack: str) -> None:
    synthesized = sample_stacks[stack]
    role = resources(synthesized, "aws_iam_role")["iam_baseline_support_role"]
    assert role["name"] == SUPPORT_ROLE_NAME
    trust = json.loads(role["assume_role_policy"])
    (statement,) = trust["Statement"]
    account = synthesized["provider"]["aws"][0]["allowed_account_ids"][0]
    assert statement["Principal"] == {"AWS": f"arn:aws:iam::{account}:root"}  # nobody from outside
    assert statement["Condition"]["ArnLike"]["aws:PrincipalArn"] == [
        f"arn:aws:iam::{account}:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_SecurityAdmins_*",
        f"arn:aws:iam::{account}:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_Operators_*",
        f"arn:aws:iam::{account}:role/BreakGlassAdmin",
    ]
    attachment = resources(synthesized, "aws_iam_role_policy_attachment")["iam_baseline_support_role_policy"]
    assert attachment["policy_arn"] == SUPPORT_POLICY_ARN
