"""The organization stack carries the perimeter: RCPs, declarative EC2 policy and root access."""

from __future__ import annotations

import json
from typing import Any

import pytest

from modules.organization import rcp as r
from tests.support import load_variant, resources, synthesize_to

pytestmark = pytest.mark.synth

ORG_ID = "${aws_organizations_organization.organization.id}"
ROOT_ID = "${aws_organizations_organization.organization.roots[0].id}"


def test_rcps_are_attached_to_root_with_the_real_org_id(sample_stacks: dict[str, Any]) -> None:
    stack = sample_stacks["organization"]
    policies = resources(stack, "aws_organizations_policy")
    rcps = {k: v for k, v in policies.items() if v["type"] == "RESOURCE_CONTROL_POLICY"}
    assert sorted(rcps) == ["rcp_data_perimeter", "rcp_protect_log_archive", "rcp_secure_transport"]
    for policy in rcps.values():
        assert r.ORG_ID_STAND_IN not in policy["content"]
        json.loads(policy["content"].replace(ORG_ID, "o-a1b2c3d4e5"))  # valid JSON once Terraform fills it
    assert ORG_ID in rcps["rcp_data_perimeter"]["content"]
    attachments = resources(stack, "aws_organizations_policy_attachment")
    for name in rcps:
        assert attachments[f"{name}__root"]["target_id"] == ROOT_ID


def test_policy_types_and_trusted_access(sample_stacks: dict[str, Any]) -> None:
    org = resources(sample_stacks["organization"], "aws_organizations_organization")["organization"]
    assert org["enabled_policy_types"] == [
        "SERVICE_CONTROL_POLICY",
        "RESOURCE_CONTROL_POLICY",
        "DECLARATIVE_POLICY_EC2",
    ]
    assert "iam.amazonaws.com" in org["aws_service_access_principals"]


def test_declarative_policy_on_root(sample_stacks: dict[str, Any]) -> None:
    stack = sample_stacks["organization"]
    policy = resources(stack, "aws_organizations_policy")["declarative_ec2_baseline"]
    assert policy["type"] == "DECLARATIVE_POLICY_EC2"
    attributes = json.loads(policy["content"])["ec2_attributes"]
    assert attributes["instance_metadata_defaults"]["http_tokens"] == {"@@assign": "required"}
    attachment = resources(stack, "aws_organizations_policy_attachment")["declarative_ec2_baseline__root"]
    assert attachment["target_id"] == ROOT_ID


def test_root_access_is_centralized(sample_stacks: dict[str, Any]) -> None:
    features = resources(sample_stacks["organization"], "aws_iam_organizations_features")["root_access"]
    assert features["enabled_features"] == ["RootCredentialsManagement", "RootSessions"]


def _switched_off(files: dict[str, Any]) -> None:
    org = files["organization"]
    org["resource_control_policies"] = {"enabled": False}
    org["declarative_policies"] = {"enabled": False}
    org["root_access"] = {"credentials_management": False, "root_sessions": False}
    del files["dev"]["account"]["id"]


def _control_tower_new_account(files: dict[str, Any]) -> None:
    files["organization"]["landing_zone"]["mode"] = "control_tower"


def _new_account(files: dict[str, Any]) -> None:
    del files["dev"]["account"]["id"]


@pytest.fixture(scope="module")
def variants(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    built = {}
    for name, edit in {"off": _switched_off, "ct": _control_tower_new_account, "new": _new_account}.items():
        root = tmp_path_factory.mktemp(name)
        built[name] = synthesize_to(load_variant(root / "env", edit), root / "out")["organization"]
    return built


def test_new_accounts_are_created_without_root_credentials(variants: dict[str, dict[str, Any]]) -> None:
    account = resources(variants["new"], "aws_organizations_account")["account_dev"]
    assert account["depends_on"] == ["aws_iam_organizations_features.root_access"]


def test_switched_off_creates_nothing(variants: dict[str, dict[str, Any]]) -> None:
    stack = variants["off"]
    assert resources(stack, "aws_iam_organizations_features") == {}
    types = {p["type"] for p in resources(stack, "aws_organizations_policy").values()}
    assert types == {"SERVICE_CONTROL_POLICY"}
    org = resources(stack, "aws_organizations_organization")["organization"]
    assert org["enabled_policy_types"] == ["SERVICE_CONTROL_POLICY"]
    assert "iam.amazonaws.com" not in org["aws_service_access_principals"]
    assert "depends_on" not in resources(stack, "aws_organizations_account")["account_dev"]


def test_control_tower_mode_keeps_the_perimeter(variants: dict[str, dict[str, Any]]) -> None:
    """Control Tower does not set RCPs, declarative policies or root access itself: ours stay."""
    stack = variants["ct"]
    types = {p["type"] for p in resources(stack, "aws_organizations_policy").values()}
    assert {"RESOURCE_CONTROL_POLICY", "DECLARATIVE_POLICY_EC2"} <= types
    assert resources(stack, "aws_iam_organizations_features")
    rcp = resources(stack, "aws_organizations_policy")["rcp_protect_log_archive"]
    assert "aws-controltower-logs-222222222222-ap-northeast-1" in rcp["content"]
