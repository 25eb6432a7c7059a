"""`lz review`: validate -> synth -> offline plans -> checkov -> our checks -> suppressions -> verdict.

Everything cheap and everything that can say "bad input" runs before the expensive part: configs,
policy files, check files, terraform, the provider mirror and checkov are all looked at before
the bindings are imported. Synthesis is passed in (the CLI owns the cdktf import), so this
package never imports cdktf.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from modules.config import Estate, load_estate
from modules.config.topology import topology
from modules.core.errors import ConfigIssue, display_path
from modules.review.change_safety import CHECK_ID as CHANGE_CHECK_ID
from modules.review.change_safety import ChangeSafety, load_change_safety, plan_changes
from modules.review.checkov import CheckovCache, CheckovRun, checkov_command, run_checkov
from modules.review.checks import Check, CheckContext, load_checks, run_checks
from modules.review.compliance import Baseline, consistency_issues, evaluate, load_baseline
from modules.review.model import StackView
from modules.review.plan_cache import PlanCache
from modules.review.progress import Progress
from modules.review.suppressions import Suppressions, load_suppressions
from modules.review.terraform import (
    StackPlan,
    Terraform,
    ToolError,
    find_mirror,
    plan_stacks,
    prime_plugin_cache,
    tool_identity,
    write_cli_config,
)
from modules.review.verdict import Review

Synthesize = Callable[[Estate, Path, str | None], list[str]]


@dataclass(frozen=True)
class Options:
    config_dir: Path
    out: Path
    env: str | None = None
    workers: int = 2
    policies: Path = Path("policies")
    state_dir: Path | None = None
    plan_cache: Path | None = None  # folder of reusable plans; None plans every stack
    today: dt.date = field(default_factory=dt.date.today)  # expiry dates compare against it


@dataclass(frozen=True)
class Policies:
    checks: list[Check]
    suppressions: Suppressions
    change_safety: ChangeSafety
    baseline: Baseline
    issues: list[ConfigIssue]


def load_policies(root: Path, today: dt.date) -> Policies:
    """Every policy input at once; shape errors raise ConfigError, governance gaps become issues."""
    checks = load_checks(root / "checks")
    suppressions = load_suppressions(root / "suppressions.yaml", today=today)
    change_safety = load_change_safety(root / "change_safety.yaml", today=today)
    baseline, source = load_baseline(root / "compliance" / "baseline.yaml")
    proofs = {check.id: check.requirements for check in checks} | {CHANGE_CHECK_ID: ("OPS-3",)}
    mapped = consistency_issues(baseline, source, proofs)
    issues = [*suppressions.issues, *change_safety.issues, *mapped]
    return Policies(checks, suppressions, change_safety, baseline, issues)


@contextmanager
def _timed(progress: Progress, timings: dict[str, float], key: str, title: str) -> Iterator[None]:
    started = time.monotonic()
    with progress.step(title):
        yield
    timings[key] = round(time.monotonic() - started, 2)


def run_review(options: Options, synthesize: Synthesize, progress: Progress) -> Review:
    timings: dict[str, float] = {}
    with _timed(progress, timings, "validate", "validate configs and policies"):
        estate = load_estate(options.config_dir, only_env=options.env)
        policies = load_policies(options.policies, options.today)
        build = options.out / "build"
        terraform = Terraform(write_cli_config(build, find_mirror()))
        checkov_command()  # fail now, not after minutes of synthesis
    with ThreadPoolExecutor(max_workers=1) as background:
        primed = background.submit(prime_plugin_cache, terraform, build)  # overlaps the bindings import
        with _timed(progress, timings, "synth", "synthesize stacks (imports the provider bindings)"):
            stacks = synthesize(estate, options.out / "synth", options.env)
        primed.result()
    cache = (
        PlanCache(options.plan_cache / "plans", tool_identity(terraform, build))
        if options.plan_cache
        else None
    )
    with _timed(progress, timings, "plan", f"plan {len(stacks)} stack(s) offline"):
        plans = plan_stacks(
            options.out / "synth",
            options.out / "plans",
            build,
            stacks,
            workers=options.workers,
            state_dir=options.state_dir,
            terraform=terraform,
            on_done=lambda plan: progress.note(_plan_line(plan)),
            cache=cache,
        )
        _require_plans(plans)
    views = _stack_views(options.out / "synth", plans)
    checkov_cache = (
        CheckovCache(options.plan_cache / "checkov", checkov_command()) if options.plan_cache else None
    )
    with _timed(progress, timings, "checkov", "checkov on the plans"):
        checkov = run_checkov(
            {plan.name: _plan_path(plan) for plan in plans},
            options.out / "checkov",
            workers=options.workers,
            cache=checkov_cache,
        )
        reused = f", {len(checkov.reused)} unchanged plan(s) from the cache" if checkov.reused else ""
        progress.note(f"checkov {checkov.version}: {checkov.checks_run} check results{reused}")
    with _timed(
        progress, timings, "checks", f"{len(policies.checks)} project check(s), change safety, suppressions"
    ):
        review = _verdict(estate, views, checkov, policies)
    review.timings = timings
    review.reused_plans = [plan.name for plan in plans if plan.reused]
    review.reused_checkov = list(checkov.reused)
    return review


def _plan_line(plan: StackPlan) -> str:
    if plan.reused:
        return f"{plan.name}: plan reused from the plan cache (config, state and tools unchanged)"
    together = f" (one Terraform run with {', '.join(plan.planned_with)})" if plan.planned_with else ""
    return f"{plan.name}: {'planned' if plan.ok else 'FAILED'} in {plan.seconds:.1f} s{together}"


def _plan_path(plan: StackPlan) -> Path:
    if plan.plan_json is None:
        raise ToolError(f"stack {plan.name} has no plan")
    return plan.plan_json


def _require_plans(plans: list[StackPlan]) -> None:
    failed = [plan for plan in plans if not plan.ok]
    if failed:
        details = "\n\n".join(f"stack {plan.name}: {plan.error}" for plan in failed)
        raise ToolError(f"offline plan failed for {len(failed)} stack(s):\n{details}")


def _read_json(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _stack_views(synth_dir: Path, plans: list[StackPlan]) -> dict[str, StackView]:
    return {
        plan.name: StackView(
            plan.name,
            _read_json(synth_dir / "stacks" / plan.name / "cdk.tf.json"),
            _read_json(_plan_path(plan)),
        )
        for plan in plans
    }


def _verdict(estate: Estate, views: dict[str, StackView], checkov: CheckovRun, policies: Policies) -> Review:
    """Pure: results from every source, suppressions applied, compliance evaluated."""
    ours = run_checks(policies.checks, CheckContext(estate, views))
    changes = {name: plan_changes(view) for name, view in views.items()}
    flat = [change for stack_changes in changes.values() for change in stack_changes]
    raw = [*checkov.results, *ours, *policies.change_safety.results(flat)]
    results = policies.suppressions.apply(raw)
    order = topology(estate).names  # organization, log-archive, security, then environments
    stacks = sorted(views, key=lambda name: (order.index(name) if name in order else len(order), name))
    return Review(
        estate=estate.organization.name,
        stacks=stacks,
        results=results,
        policy_issues=policies.issues,
        changes=changes,
        sensitive=[change for change in flat if policies.change_safety.is_sensitive(change)],
        compliance=evaluate(policies.baseline, results, stacks),
        unused_suppressions=policies.suppressions.unused(raw),
        checkov_version=checkov.version,
        config_files=_config_files(estate, stacks),
    )


def _config_files(estate: Estate, stacks: list[str]) -> dict[str, str]:
    """The YAML file a finding in each stack is fixed in (environment stacks: their own file)."""
    organization = estate.sources.get("organization")
    fallback = organization.name if organization else "environments/organization.yaml"
    return {
        stack: display_path(estate.sources[stack].path) if stack in estate.sources else fallback
        for stack in stacks
    }
