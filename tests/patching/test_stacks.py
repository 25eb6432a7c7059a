"""SSM Patch Manager in every environment stack (OPS-2)."""

from __future__ import annotations

from typing import Any

import pytest

from modules.config import Estate
from tests.support import resources

pytestmark = pytest.mark.synth


@pytest.mark.parametrize("env", ["prod", "stg", "dev"])
def test_baseline_and_group_per_os(env: str, sample_stacks: dict[str, Any], sample_estate: Estate) -> None:
    stack, config = sample_stacks[env], sample_estate.environments[env]
    baselines = resources(stack, "aws_ssm_patch_baseline").values()
    assert sorted(b["operating_system"] for b in baselines) == sorted(config.patching.operating_systems)
    for baseline in baselines:
        (rule,) = baseline["approval_rule"]
        assert rule["approve_after_days"] == config.patching.approval_delay(config.stage)
    groups = {g["patch_group"] for g in resources(stack, "aws_ssm_patch_group").values()}
    (target,) = resources(stack, "aws_ssm_maintenance_window_target").values()
    assert set(target["targets"][0]["values"]) == groups
    (task,) = resources(stack, "aws_ssm_maintenance_window_task").values()
    assert task["task_arn"] == "AWS-RunPatchBaseline"


def test_staging_window_comes_before_production(sample_stacks: dict[str, Any]) -> None:
    def window(env: str) -> dict[str, Any]:
        (found,) = resources(sample_stacks[env], "aws_ssm_maintenance_window").values()
        return found

    assert window("stg")["schedule"] == "cron(0 18 ? * TUE *)"
    assert window("prod")["schedule"] == "cron(0 18 ? * THU *)"
    assert window("prod")["allow_unassociated_targets"] is False
