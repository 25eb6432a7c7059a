"""`lz drift`: does the deployed estate still match its Terraform state?

Every stack is planned live (modules/review/live.py: its backend, read only, refreshed). What
Terraform reports as changed outside it (`resource_drift`: a weakened password policy, a stopped
Config recorder, a deleted flow log) is a failed `LZ_DRIFT_001` per resource, naming each changed
attribute; the plan's own changes (what an apply would do to restore the config) are listed as in
a review. Exit 0 no drift, 1 drift, 2 could not run. Reports: the same four formats as a review.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from modules.config import Estate, load_estate
from modules.config.topology import require_environment, stack_names, topology
from modules.review.change_safety import plan_changes
from modules.review.errors import ToolError
from modules.review.live import plan_live
from modules.review.model import Result, StackView
from modules.review.pipeline import LIVE_STATE, Synthesize
from modules.review.progress import Progress
from modules.review.terraform_cli import StackPlan, Terraform, provider_source, write_cli_config
from modules.review.verdict import Review

DRIFT_ID = "LZ_DRIFT_001"
DRIFT_TITLE = "Deployed resources match their Terraform state"
SHOWN_VALUE = 60  # characters of a drifted value shown in a message


@dataclass(frozen=True)
class DriftOptions:
    config_dir: Path
    out: Path
    env: str | None = None
    role_name: str | None = None  # read-only plan role; default: the deployment role
    workers: int = 2


def run_drift(options: DriftOptions, synthesize: Synthesize, progress: Progress) -> Review:
    with progress.step("validate configs"):
        estate = load_estate(options.config_dir)
        require_environment(estate, options.env, options.config_dir)
        terraform = Terraform(write_cli_config(options.out / "build", provider_source()))
    with progress.step("synthesize stacks"):
        names = stack_names(estate, options.env)
        stacks = synthesize(estate, options.out / "synth", names)
    with progress.step(f"plan {len(stacks)} deployed stack(s) with refresh (read only, no lock)"):
        plans = plan_live(
            options.out / "synth",
            options.out / "live",
            stacks,
            terraform,
            role_name=options.role_name,
            workers=options.workers,
            on_done=lambda plan: progress.note(f"{plan.name}: {'planned' if plan.ok else 'FAILED'}"),
        )
    failed = [plan for plan in plans if not plan.ok]
    if failed:
        details = "\n\n".join(f"stack {plan.name}: {plan.error}" for plan in failed)
        raise ToolError(f"the deployed estate could not be planned for {len(failed)} stack(s):\n{details}")
    return drift_review(estate, {plan.name: _view(options.out / "synth", plan) for plan in plans})


def _view(synth_dir: Path, plan: StackPlan) -> StackView:
    assert plan.plan_json is not None
    return StackView(
        plan.name,
        json.loads((synth_dir / "stacks" / plan.name / "cdk.tf.json").read_text(encoding="utf-8")),
        json.loads(plan.plan_json.read_text(encoding="utf-8")),
    )


def drift_review(estate: Estate, views: dict[str, StackView]) -> Review:
    """Pure: a failed result per drifted resource, a passed one per stack without drift."""
    results = [result for name, view in views.items() for result in drift_results(name, view.plan)]
    order = topology(estate).names
    stacks = sorted(views, key=lambda name: (order.index(name) if name in order else len(order), name))
    return Review(
        estate=estate.organization.name,
        stacks=stacks,
        results=results,
        changes={name: plan_changes(view) for name, view in views.items()},
        prior_state=LIVE_STATE,
    )


def drift_results(stack: str, plan: dict[str, Any]) -> list[Result]:
    drifted = [
        _drifted(stack, item)
        for item in plan.get("resource_drift", [])
        if item.get("mode", "managed") == "managed"
    ]
    if drifted:
        return drifted
    return [Result("lz", DRIFT_ID, DRIFT_TITLE, stack, "(all resources)", passed=True)]


def _drifted(stack: str, item: dict[str, Any]) -> Result:
    change = item.get("change") or {}
    after = change.get("after")
    if after is None:
        message = "deleted outside Terraform"
    else:
        paths = list(changed_paths(change.get("before"), after))
        message = "changed outside Terraform: " + "; ".join(
            f"{path}: {_short(old)} -> {_short(new)}" for path, old, new in paths
        )
    return Result(
        "lz", DRIFT_ID, DRIFT_TITLE, stack, item["address"], passed=False, message=message, severity="HIGH"
    )


def changed_paths(before: Any, after: Any, path: str = "") -> Iterator[tuple[str, Any, Any]]:
    """(attribute path, before, after) of every leaf that differs, e.g. `rule[0].days`."""
    if isinstance(before, dict) and isinstance(after, dict):
        for key in sorted(set(before) | set(after)):
            yield from changed_paths(before.get(key), after.get(key), f"{path}.{key}" if path else key)
    elif isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        for index, (old, new) in enumerate(zip(before, after, strict=True)):
            yield from changed_paths(old, new, f"{path}[{index}]")
    elif before != after:
        yield path or "(resource)", before, after


def _short(value: Any) -> str:
    text = json.dumps(value)
    return text if len(text) <= SHOWN_VALUE else f"{text[:SHOWN_VALUE]}… ({len(text)} characters)"
