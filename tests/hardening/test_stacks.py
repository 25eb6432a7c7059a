"""Account hardening and Session Manager in every environment stack (DAT-1, DAT-3, DAT-4, NET-6)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from modules.config import Estate
from tests.support import resources

pytestmark = pytest.mark.synth
ENVIRONMENTS = ["prod", "stg", "dev"]


def providers_of(stack: dict[str, Any], resource_type: str) -> set[str]:
    """Provider of each resource of a type: `aws` (home) or `aws.<region>`."""
    return {body.get("provider", "aws") for body in resources(stack, resource_type).values()}


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_regional_defaults_in_every_approved_region(
    env: str, sample_stacks: dict[str, Any], sample_estate: Estate
) -> None:
    stack = sample_stacks[env]
    home = sample_estate.environments[env].region
    expected = {
        "aws" if region == home else f"aws.{region}" for region in sample_estate.organization.approved_regions
    }
    for resource_type in (
        "aws_ebs_encryption_by_default",
        "aws_ebs_default_kms_key",
        "aws_ec2_instance_metadata_defaults",
    ):
        assert providers_of(stack, resource_type) == expected, resource_type
    assert all(body["enabled"] for body in resources(stack, "aws_ebs_encryption_by_default").values())
    for imds in resources(stack, "aws_ec2_instance_metadata_defaults").values():
        assert imds["http_tokens"] == "required"


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_account_blocks_public_s3(env: str, sample_stacks: dict[str, Any], sample_estate: Estate) -> None:
    (block,) = resources(sample_stacks[env], "aws_s3_account_public_access_block").values()
    assert block["account_id"] == sample_estate.environments[env].account.id
    assert all(
        block[flag]
        for flag in (
            "block_public_acls",
            "block_public_policy",
            "ignore_public_acls",
            "restrict_public_buckets",
        )
    )


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_keys_rotate_and_only_the_account_administers_them(
    env: str, sample_stacks: dict[str, Any], sample_estate: Estate
) -> None:
    account = sample_estate.environments[env].account.id
    keys = resources(sample_stacks[env], "aws_kms_key")
    assert {name.split("_key")[0] for name in keys} >= {
        "hardening_logs",
        "hardening_secrets",
        "session_manager_session",
        "backup_vault",
    }
    for name, key in keys.items():
        if not name.startswith(("hardening", "session_manager", "backup")):
            continue
        assert key["enable_key_rotation"] is True, name
        principals = [s["Principal"] for s in json.loads(key["policy"])["Statement"]]
        assert {"AWS": f"arn:aws:iam::{account}:root"} in principals
        assert all(p != "*" and p.get("AWS") != "*" for p in principals), name


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_session_manager_logs_encrypted_with_idle_timeout(
    env: str, sample_stacks: dict[str, Any], sample_estate: Estate
) -> None:
    stack = sample_stacks[env]
    config = sample_estate.environments[env]
    (document,) = resources(stack, "aws_ssm_document").values()
    assert (document["name"], document["document_type"]) == ("SSM-SessionManagerRunShell", "Session")
    inputs = json.loads(document["content"])["inputs"]
    assert inputs["cloudWatchEncryptionEnabled"] is True and inputs["runAsEnabled"] is False
    assert inputs["idleSessionTimeout"] == str(config.session_manager.idle_timeout_minutes)
    assert inputs["kmsKeyId"].startswith("${aws_kms_key.session_manager")
    groups = {g["name"]: g for g in resources(stack, "aws_cloudwatch_log_group").values()}
    group = groups[inputs["cloudWatchLogGroupName"]]
    assert group["kms_key_id"].startswith("${aws_kms_key.") and group["retention_in_days"] >= 365


def test_production_sessions_time_out_sooner(sample_stacks: dict[str, Any]) -> None:
    (document,) = resources(sample_stacks["prod"], "aws_ssm_document").values()
    assert json.loads(document["content"])["inputs"]["idleSessionTimeout"] == "15"
