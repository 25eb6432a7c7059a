"""Every synthesized stack is valid Terraform and plans offline against the provider mirror."""

from __future__ import annotations

from typing import Any

import pytest

from modules.review.terraform_cli import Terraform, find_mirror, write_cli_config

pytestmark = [pytest.mark.synth, pytest.mark.terraform]

STACKS = ["organization", "log-archive", "security", "prod", "stg", "dev"]


@pytest.mark.parametrize("stack", STACKS)
def test_stack_plans_offline(stack: str, sample_plans: dict[str, Any]) -> None:
    plan = sample_plans[stack]
    assert plan.ok, plan.error


@pytest.mark.parametrize("stack", STACKS)
def test_stack_is_valid_terraform(stack: str, sample_plans: dict[str, Any]) -> None:
    plan = sample_plans[stack]
    terraform = Terraform(write_cli_config(plan.directory.parent.parent / "build", find_mirror()))
    assert terraform.validate(plan.terraform_dir) is None  # a shared run validates each stack's module


def test_every_provider_assumes_the_deployment_role(sample_stacks: dict[str, Any]) -> None:
    for name, stack in sample_stacks.items():
        for provider in stack["provider"]["aws"]:
            (assume,) = provider["assume_role"]
            assert assume["role_arn"].endswith(":role/LandingZoneDeployer"), name
            assert provider["allowed_account_ids"][0] in assume["role_arn"], name


def test_normal_synth_never_targets_an_emulator(sample_stacks: dict[str, Any]) -> None:
    for name, stack in sample_stacks.items():
        for provider in stack["provider"]["aws"]:
            assert "endpoints" not in provider, name
            assert "access_key" not in provider, name
