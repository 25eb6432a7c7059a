"""SCP-4 from AWS's catalog: every action that weakens a protected service is denied or allowed with
a reason; a catalog that gains one that is neither fails here."""

from __future__ import annotations

import pytest

from modules.config import Estate
from modules.organization import guardrails as g
from modules.policy_catalog import catalog, coverage


def scp4(estate: Estate) -> dict[str, object]:
    return g.render_estate_scps(estate)["protect-security-services"].document


def test_every_weakening_action_is_denied_or_allowed_with_a_reason(sample_estate: Estate) -> None:
    gaps = coverage.scp4_gaps(scp4(sample_estate))
    assert gaps == [], "\n".join(map(str, gaps))


def test_the_catalog_names_current_apis_the_hand_list_missed() -> None:
    weakening = coverage.weakening_actions(coverage.protected_services_rules())
    assert "config:DeleteConfigRule" in weakening
    assert "guardduty:DeletePublishingDestination" in weakening
    assert len(weakening) > 100


def test_a_new_catalog_action_that_is_neither_fails(
    sample_estate: Estate, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = catalog.all_actions

    def with_new_api(prefix: str) -> list[catalog.Action]:
        actions = real(prefix)
        if prefix == "config":
            actions.append(catalog.Action("config", "PutRecordingExclusions", "Write", (), ()))
        return actions

    monkeypatch.setattr(catalog, "all_actions", with_new_api)
    gaps = coverage.scp4_gaps(scp4(sample_estate))
    assert [gap.action for gap in gaps] == ["config:PutRecordingExclusions"]


def test_a_stale_exception_fails(sample_estate: Estate) -> None:
    rules = coverage.protected_services_rules()
    rules["allowed"] = {**rules["allowed"], "config:DeleteConfigRule": "no reason", "config:Nope": "x"}
    problems = {gap.action: gap.problem for gap in coverage.scp4_gaps(scp4(sample_estate), rules)}
    assert "stale" in problems["config:DeleteConfigRule"]
    assert "not a weakening action" in problems["config:nope"]
