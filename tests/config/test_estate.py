"""The sample estate loads, and derived values follow the documented defaults."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from modules.config import Estate
from modules.config.topology import topology
from modules.core.errors import ConfigError
from tests.support import load_variant


def test_sample_estate_has_three_environments(sample_estate: Estate) -> None:
    assert sorted(sample_estate.environments) == ["dev", "prod", "stg"]
    assert topology(sample_estate).names == ["log-archive", "organization", "security", "dev", "prod", "stg"]


def test_prod_subnets_are_three_tiers_per_az(sample_estate: Estate) -> None:
    subnets = sample_estate.environments["prod"].network.subnets()
    assert {tier: len(cidrs) for tier, cidrs in subnets.items()} == {"public": 3, "private": 3, "isolated": 3}
    assert subnets["isolated"][-1] == "10.10.128.0/20"


def test_nat_defaults_follow_the_stage(tmp_path: Path) -> None:
    def drop_nat(files: dict[str, Any]) -> None:
        for env in ("prod", "dev"):
            files[env]["network"].pop("nat")

    estate = load_variant(tmp_path / "envs", drop_nat)
    assert estate.environments["prod"].nat_mode == "per_az"
    assert estate.environments["dev"].nat_mode == "single"


def test_retention_override_tightens_only_its_environment(sample_estate: Estate) -> None:
    assert sample_estate.retention_days(sample_estate.environments["prod"]) == 1827
    assert sample_estate.retention_days(sample_estate.environments["dev"]) == 365


def test_log_bucket_names_come_from_config(sample_estate: Estate) -> None:
    assert sample_estate.log_bucket == "acme-log-archive-222222222222-ap-northeast-1"
    assert sample_estate.access_log_bucket.endswith("-access-logs")


def test_the_log_key_is_named_by_its_alias(sample_estate: Estate) -> None:
    assert sample_estate.log_key_alias == "alias/acme-log-archive"
    assert sample_estate.log_key_arn == "arn:aws:kms:ap-northeast-1:222222222222:alias/acme-log-archive"


def test_the_audit_account_administers_every_other_account(sample_estate: Estate) -> None:
    members = sample_estate.member_account_ids()
    assert sorted(members) == ["dev", "log_archive", "management", "prod", "stg"]
    assert members["log_archive"] == "222222222222"


def test_archive_retention_is_the_longest_any_environment_needs(sample_estate: Estate) -> None:
    assert sample_estate.organization.log_archive.retention_days == 365
    assert sample_estate.archive_retention_days == 1827  # prod's override


def test_control_tower_adds_its_own_log_buckets(sample_estate: Estate, tmp_path: Path) -> None:
    def control_tower(files: dict[str, Any]) -> None:
        files["organization"]["landing_zone"]["mode"] = "control_tower"

    ours = [sample_estate.log_bucket, sample_estate.access_log_bucket]
    assert not sample_estate.control_tower_mode
    assert sample_estate.log_buckets == ours
    estate = load_variant(tmp_path / "envs", control_tower)
    assert estate.control_tower_mode
    assert estate.log_buckets == [
        *ours,
        "aws-controltower-logs-222222222222-ap-northeast-1",
        "aws-controltower-s3-access-logs-222222222222-ap-northeast-1",
    ]


def test_account_without_id_makes_its_stack_pending(tmp_path: Path) -> None:
    def new_dev_account(files: dict[str, Any]) -> None:
        files["dev"]["account"].pop("id")

    plan = topology(load_variant(tmp_path / "envs", new_dev_account))
    assert "dev" not in plan.names
    assert plan.pending == ("dev",)


def test_only_env_selects_one_environment(tmp_path: Path) -> None:
    from modules.config import load_estate
    from tests.support import copy_sample

    directory = copy_sample(tmp_path / "envs")
    assert sorted(load_estate(directory, only_env="stg").environments) == ["stg"]
    with pytest.raises(ConfigError, match="no environment named 'qa'"):
        load_estate(directory, only_env="qa")


def test_s3_backend_settings_are_validated(tmp_path: Path) -> None:
    def s3_backend(files: dict[str, Any]) -> None:
        files["organization"]["deployment"]["state_backend"] = {
            "type": "s3",
            "bucket": "acme-terraform-state",
            "region": "ap-northeast-1",
        }

    backend = load_variant(tmp_path / "envs", s3_backend).organization.deployment.state_backend
    assert backend.type == "s3"
    assert backend.use_lockfile is True
