"""Every project check against its pass and fail fixtures (real offline plans): a new case is data."""

from __future__ import annotations

from pathlib import Path

import pytest

from modules.config import Estate
from modules.review.checks import CheckContext, load_checks
from modules.review.compliance import load_baseline, proven_by
from modules.review.fixtures import find_cases, load_case
from tests.support import ROOT

CHECKS_DIR = ROOT / "policies" / "checks"
FIXTURES = CHECKS_DIR / "fixtures"
BASELINE = ROOT / "policies" / "compliance" / "baseline.yaml"
CHECKS = {check.id: check for check in load_checks(CHECKS_DIR)}
CASES = find_cases(FIXTURES)


@pytest.mark.parametrize("case_dir", CASES, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_check_fails_exactly_the_expected_addresses(case_dir: Path, sample_estate: Estate) -> None:
    case = load_case(case_dir)
    assert case.name.startswith(("pass", "fail")), f"{case_dir}: name a case pass* or fail*"
    assert case.check_id in CHECKS, f"{case_dir}: no check {case.check_id} in policies/checks/"
    results = CHECKS[case.check_id].run(CheckContext(sample_estate, case.stacks))
    assert results, f"{case.check_id} evaluated nothing in {case_dir}: the fixture does not exercise it"
    failing = {result.key for result in results if not result.passed}
    if case.name.startswith("pass"):
        assert failing == set(), f"{case_dir}: expected no failure"
    else:
        assert case.expect_failing, f"{case_dir}: a fail case must list expect_failing"
        assert failing == case.expect_failing


@pytest.mark.parametrize("case_dir", CASES, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_fixture_plan_matches_its_config(case_dir: Path) -> None:
    """A `.tf.json` edited without regenerating its plan would test a stale plan."""
    for stack in load_case(case_dir).stacks.values():
        if stack.synthesized.get("//", {}).get("plannable", True) is False:
            continue
        configured = {address for address, _ in stack.configured("resource")}
        planned = {resource.address for resource in stack.planned()}
        assert configured == planned, f"{case_dir}/{stack.name}: run `python -m modules.review.fixtures`"


@pytest.mark.parametrize("check_id", sorted(CHECKS))
def test_every_check_has_pass_and_fail_fixtures(check_id: str) -> None:
    names = {path.name.split("-")[0] for path in (FIXTURES / check_id).glob("*") if path.is_dir()}
    assert {"pass", "fail"} <= names, f"{check_id}: add fixtures/{check_id}/pass and /fail"


def test_checks_prove_a_requirement_and_live_in_files_named_for_the_desired_state() -> None:
    proofs = proven_by(load_baseline(BASELINE)[0])
    for check in CHECKS.values():
        assert proofs.get(check.id), f"{check.id}: no requirement in baseline.yaml lists it"
        assert check.path is not None and check.path.stem == check.function.__name__
