"""`lz drift` and live plans: what a refreshed plan says changed outside Terraform, named."""

from __future__ import annotations

from pathlib import Path

from modules.review.drift import DRIFT_ID, changed_paths, drift_results
from modules.review.live import live_copy


def test_each_drifted_attribute_is_named_with_both_values() -> None:
    plan = {
        "resource_drift": [
            {
                "address": "aws_iam_account_password_policy.iam_baseline",
                "mode": "managed",
                "change": {
                    "before": {"minimum_password_length": 14, "require_symbols": True},
                    "after": {"minimum_password_length": 8, "require_symbols": True},
                },
            },
            {
                "address": "aws_flow_log.vpc",
                "mode": "managed",
                "change": {"before": {"id": "fl-1"}, "after": None},
            },
        ]
    }
    results = {r.address: r for r in drift_results("dev", plan)}
    assert all(r.check_id == DRIFT_ID and r.status == "failed" for r in results.values())
    assert results["aws_iam_account_password_policy.iam_baseline"].message == (
        "changed outside Terraform: minimum_password_length: 14 -> 8"
    )
    assert results["aws_flow_log.vpc"].message == "deleted outside Terraform"
    (clean,) = drift_results("dev", {"resource_drift": []})
    assert clean.status == "passed"


def test_changed_paths_walk_nested_blocks() -> None:
    before = {"rule": [{"days": 365, "mode": "COMPLIANCE"}], "tags": {"a": "1"}}
    after = {"rule": [{"days": 30, "mode": "COMPLIANCE"}], "tags": {"a": "1", "b": "2"}}
    assert list(changed_paths(before, after)) == [("rule[0].days", 365, 30), ("tags.b", None, "2")]


def test_a_live_copy_plans_with_the_plan_role_and_the_real_state(tmp_path: Path) -> None:
    synthesized = {
        "provider": {
            "aws": [{"assume_role": [{"role_arn": "arn:aws:iam::444444444444:role/LandingZoneDeployer"}]}]
        },
        "terraform": {"backend": {"local": {"path": "../../../state/prod.tfstate"}}},
        "resource": {"aws_kms_key": {"k": {"lifecycle": {"prevent_destroy": True}}}},
    }
    stack_dir = tmp_path / "cdktf.out" / "stacks" / "prod"
    live = live_copy(synthesized, stack_dir, role_name="LandingZonePlanner")
    assert live["provider"]["aws"][0]["assume_role"][0]["role_arn"].endswith(":role/LandingZonePlanner")
    assert live["terraform"]["backend"]["local"]["path"] == str(tmp_path / "state" / "prod.tfstate")
    assert "lifecycle" not in live["resource"]["aws_kms_key"]["k"]
    assert synthesized["resource"]["aws_kms_key"]["k"]["lifecycle"] == {"prevent_destroy": True}
