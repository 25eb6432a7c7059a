"""Adopted accounts in the offline review: shown as imports, never creates; never removed or closed."""

from __future__ import annotations

import datetime as dt

from modules.review.change_safety import Change, load_change_safety, plan_changes
from modules.review.model import StackView
from modules.targets.offline import offline_copy
from tests.support import ROOT

SYNTHESIZED = {
    "provider": {"aws": [{"region": "ap-northeast-1"}]},
    "resource": {"aws_organizations_account": {"account_prod": {"name": "acme-prod"}}},
    "import": [{"to": "aws_organizations_account.account_prod", "id": "444444444444"}],
}


def _view(actions: list[str]) -> StackView:
    change = {
        "address": "aws_organizations_account.account_prod",
        "type": "aws_organizations_account",
        "mode": "managed",
        "change": {"actions": actions},
    }
    return StackView("organization", SYNTHESIZED, {"resource_changes": [change]})


def test_offline_plan_drops_import_blocks_which_would_need_aws() -> None:
    offline = offline_copy(SYNTHESIZED)
    assert "import" not in offline
    assert "import" in SYNTHESIZED  # the synthesized stack itself keeps them (a real plan imports)


def test_an_adopted_account_is_reported_as_import_never_create() -> None:
    (change,) = plan_changes(_view(["create"]))
    assert change.action == "import"


def test_removing_an_account_from_config_fails_the_review() -> None:
    """Removing an account from the config makes Terraform plan its destroy (it is in the state):
    change safety fails it; `close_on_deletion=False` and `prevent_destroy` are the second line."""
    safety = load_change_safety(ROOT / "policies" / "change_safety.yaml", today=dt.date(2026, 1, 15))
    (change,) = plan_changes(_view(["delete"]))
    assert change == Change("organization", change.address, "aws_organizations_account", "destroy")
    (result,) = safety.results([change])
    assert result.status == "failed"
    assert "closes or detaches" in result.message
    (replaced,) = safety.results(plan_changes(_view(["delete", "create"])))
    assert replaced.status == "failed"
