"""checkov on the environment plans: the baseline's resources have no finding that is not suppressed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from modules.review.checkov import run_checkov
from modules.review.suppressions import load_suppressions
from tests.support import ROOT

pytestmark = [pytest.mark.synth, pytest.mark.terraform]
# Construct IDs of the environment baseline (network, hardening, Session Manager, backup, patching):
# every address of theirs starts with one of these.
BASELINE = ("network_", "hardening_", "session_manager_", "backup_", "patching_")


def test_checkov_findings_on_the_baseline_are_suppressed_with_a_reason(
    sample_plans: dict[str, Any], tmp_path: Path
) -> None:
    plans = {env: sample_plans[env].plan_json for env in ("prod", "stg", "dev")}
    assert all(plans.values())
    run = run_checkov(plans, tmp_path)
    suppressions = load_suppressions(ROOT / "policies" / "suppressions.yaml", today=dt.date.today())
    results = [
        result
        for result in suppressions.apply(run.results)
        if result.address.split(".", 1)[-1].startswith(BASELINE)
    ]
    assert len(results) > 100  # checkov really looked at the baseline
    assert [f"{r.stack}:{r.address} {r.check_id}" for r in results if r.status == "failed"] == []
    assert all(r.waiver and r.waiver.reason for r in results if r.status == "suppressed")
