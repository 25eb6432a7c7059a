"""AWS Backup in every environment stack (DAT-5)."""

from __future__ import annotations

from typing import Any

import pytest

from modules.config import Estate
from tests.support import resources

pytestmark = pytest.mark.synth


@pytest.mark.parametrize("env", ["prod", "stg", "dev"])
def test_vault_plan_and_tag_selection(env: str, sample_stacks: dict[str, Any], sample_estate: Estate) -> None:
    stack, config = sample_stacks[env], sample_estate.environments[env].backup
    (vault,) = resources(stack, "aws_backup_vault").values()
    assert vault["kms_key_arn"].startswith("${aws_kms_key.backup_vault_key")
    (plan,) = resources(stack, "aws_backup_plan").values()
    rules = {rule["rule_name"]: rule for rule in plan["rule"]}
    assert set(rules) == {"daily", "weekly"}
    for name in rules:
        expected = getattr(config, name)
        assert rules[name]["schedule"] == expected.schedule
        assert rules[name]["lifecycle"]["delete_after"] == expected.retention_days
    (selection,) = resources(stack, "aws_backup_selection").values()
    (tag,) = selection["selection_tag"]
    assert (tag["type"], tag["key"], tag["value"]) == (
        "STRINGEQUALS",
        config.selection_tag_key,
        config.selection_tag_value,
    )


@pytest.mark.parametrize(("env", "locked"), [("prod", True), ("stg", False), ("dev", False)])
def test_vault_lock_follows_config(env: str, locked: bool, sample_stacks: dict[str, Any]) -> None:
    locks = list(resources(sample_stacks[env], "aws_backup_vault_lock_configuration").values())
    assert len(locks) == int(locked)
    if locked:
        # Governance mode: no grace period, so privileged users can still lift the lock.
        assert "changeable_for_days" not in locks[0]
        assert locks[0]["min_retention_days"] == 7
