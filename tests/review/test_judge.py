"""Judging stack by stack: the same results as one pass over every stack, and never every plan
held at once (real offline plans of the sample)."""

from __future__ import annotations

import datetime as dt
import gc
import weakref
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from modules.config import Estate
from modules.config.topology import ROLE_STACKS
from modules.review import judge, pipeline
from modules.review.checkov import CheckovRun
from modules.review.checks import Check, CheckContext, load_checks
from modules.review.fixtures import find_cases, load_case
from modules.review.model import Result, StackView
from modules.review.policy_set import load_policies
from tests.support import ROOT

pytestmark = [pytest.mark.synth, pytest.mark.terraform]


def views(synth_dir: Path, plans: dict[str, Any]) -> dict[str, StackView]:
    return {
        name: StackView(
            name,
            judge.read_json(synth_dir / "stacks" / name / "cdk.tf.json"),
            judge.read_json(plan.plan_json),
        )
        for name, plan in plans.items()
    }


def judged_by_scope(check: Check, estate: Estate, every: dict[str, StackView]) -> Counter[Result]:
    if check.scope == "roles":
        return Counter(check.run(CheckContext(estate, {n: v for n, v in every.items() if n in ROLE_STACKS})))
    return Counter(
        result for view in every.values() for result in check.run(CheckContext(estate, {view.name: view}))
    )


def test_every_check_judged_by_its_scope_gives_the_results_of_one_pass_over_every_stack(
    sample_estate: Estate, sample_synth_dir: Path, sample_plans: dict[str, Any]
) -> None:
    """On the sample and on every check fixture (the fixtures hold what the sample lacks)."""
    inputs = [
        views(sample_synth_dir, sample_plans),
        *(load_case(case).stacks for case in find_cases(ROOT / "policies" / "checks" / "fixtures")),
    ]
    judged: set[str] = set()
    for check in load_checks(ROOT / "policies" / "checks"):
        for every in inputs:
            whole = Counter(check.run(CheckContext(sample_estate, every)))
            assert judged_by_scope(check, sample_estate, every) == whole, (
                f"{check.id} ({check.scope}) judges differently stack by stack"
            )
            judged |= {check.id} if whole else set()
    unproven = {check.id for check in load_checks(ROOT / "policies" / "checks")} - judged
    assert not unproven, f"judged nothing anywhere, so the comparison proves nothing: {unproven}"


class TrackedView(StackView):
    made: list[weakref.ref[StackView]] = []  # noqa: RUF012 - the test's register of every view

    def __post_init__(self) -> None:
        TrackedView.made.append(weakref.ref(self))

    @classmethod
    def alive(cls) -> int:
        return sum(1 for ref in cls.made if ref() is not None)


def test_judging_holds_the_role_stacks_and_one_more_plan_at_most(
    sample_estate: Estate,
    sample_synth_dir: Path,
    sample_plans: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pipeline, "StackView", TrackedView)
    held: list[int] = []
    original = judge.judge_stack

    def counting(*args: Any) -> judge.StackJudgement:
        gc.collect()
        held.append(TrackedView.alive())
        return original(*args)

    monkeypatch.setattr(pipeline, "judge_stack", counting)
    order = ["log-archive", "organization", "security", "dev", "prod", "stg"]
    selection = pipeline.Selection(order, order, {}, None, True, True)
    policies = load_policies(ROOT / "policies", dt.date(2026, 12, 2))
    judged = pipeline._judge_stacks(
        sample_estate,
        policies,
        sample_synth_dir,
        [sample_plans[name] for name in order],
        CheckovRun([], "test", 0),
        pipeline.Prior(None, "none"),
        None,
        selection,
    )
    assert len(held) == len(order) and set(judged.judgements) == set(order)
    assert max(held) <= len(ROLE_STACKS) + 1, held  # the role stacks plus the one being judged
    assert set(judged.role_views) == set(ROLE_STACKS)
