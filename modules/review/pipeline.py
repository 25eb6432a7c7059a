"""`lz review`: validate -> synth -> offline plans -> checkov -> our checks -> suppressions -> verdict.

Everything cheap and everything that can say "bad input" runs before the expensive part: configs,
policy files, check files, terraform, the provider mirror and checkov are all looked at before
the bindings are imported. Synthesis is passed in (the CLI owns the cdktf import), so this
package never imports cdktf.

The pipeline owns the caches' lifecycle: planning and checkov read and fill them, and after each
step the review drops the entries it did not use, of the stacks it reviewed only (`_evict`), so a
review of one environment keeps every other environment's entries.
"""

from __future__ import annotations

import dataclasses
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
from modules.config.topology import ROLE_STACKS, require_environment, topology
from modules.core.errors import ConfigIssue, display_path
from modules.review import prior_state
from modules.review.base import (
    AUTO,
    BaseRequest,
    BaseSide,
    auto_base,
    prepare_base,
    prune_bases,
    repository_root,
)
from modules.review.change_safety import CHECK_IDS as CHANGE_CHECK_IDS
from modules.review.change_safety import (
    Change,
    ChangeContext,
    ChangeSafety,
    load_change_safety,
    orphaned,
    plan_changes,
)
from modules.review.checkov import CheckovRun, checkov_cache, checkov_command, run_checkov
from modules.review.checks import Check, CheckContext, load_checks, run_checks
from modules.review.compliance import Baseline, consistency_issues, evaluate, load_baseline
from modules.review.content_cache import ContentCache
from modules.review.errors import ToolError
from modules.review.live import plan_live
from modules.review.model import StackView
from modules.review.planning import plan_cache, plan_stacks, provider_schemas, tool_identity
from modules.review.plugin_cache import prime_plugin_cache
from modules.review.progress import Progress
from modules.review.provenance import config_origin, key_origin, replacement_origin
from modules.review.reports.access import access_report
from modules.review.suppressions import Suppressions, load_suppressions
from modules.review.terraform_cli import StackPlan, Terraform, provider_source, write_cli_config
from modules.review.verdict import Review
from modules.targets.offline import missing_providers, protected_addresses

Synthesize = Callable[[Estate, Path, str | None], list[str]]
# (config dir, out, env, code checkout) -> stacks: synthesizes a base with the base's own code.
SynthesizeBase = Callable[[Path, Path, str | None, Path], list[str]]
LIVE_STATE = "deployed state from each stack's backend, refreshed from AWS (read only, no lock)"
NO_PRIOR_STATE = (
    "none: every resource is planned as a create, so nothing this change replaces or destroys "
    "can be seen (review with --base REF, or --state-dir DIR)"
)


@dataclass(frozen=True)
class Options:
    config_dir: Path
    out: Path
    env: str | None = None
    workers: int = 2
    policies: Path = Path("policies")
    state_dir: Path | None = None
    plan_cache: Path | None = None  # folder of reusable plans; None plans every stack
    base: str | None = None  # git ref whose planned state is the prior state; "auto": the PR's base
    live: bool = False  # plan against each stack's deployed state, refreshed (needs credentials)
    role_name: str | None = None  # with live: the read-only role to assume instead of the deployer
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
    mapped = consistency_issues(baseline, source, {check.id for check in checks} | set(CHANGE_CHECK_IDS))
    issues = [*suppressions.issues, *change_safety.issues, *mapped]
    return Policies(checks, suppressions, change_safety, baseline, issues)


@contextmanager
def _timed(progress: Progress, timings: dict[str, float], key: str, title: str) -> Iterator[None]:
    started = time.monotonic()
    with progress.step(title):
        yield
    timings[key] = round(time.monotonic() - started, 2)


@dataclass(frozen=True)
class Prior:
    """Where the head's prior state comes from, as the report says it."""

    state_dir: Path | None
    description: str
    base: BaseSide | None = None


def run_review(
    options: Options,
    synthesize: Synthesize,
    progress: Progress,
    synthesize_base: SynthesizeBase | None = None,
) -> Review:
    timings: dict[str, float] = {}
    with _timed(progress, timings, "validate", "validate configs and policies"):
        # The whole estate even with --env: the role stacks carry every environment.
        estate = load_estate(options.config_dir)
        require_environment(estate, options.env, options.config_dir)
        policies = load_policies(options.policies, options.today)
        build = options.out / "build"
        terraform = Terraform(write_cli_config(build, provider_source()))
        checkov_command()  # fail now, not after minutes of synthesis
        base_ref = _base_ref(options)
    with ThreadPoolExecutor(max_workers=1) as background:
        primed = background.submit(prime_plugin_cache, terraform, build)  # overlaps the bindings import
        with _timed(progress, timings, "synth", "synthesize stacks (imports the provider bindings)"):
            stacks = synthesize(estate, options.out / "synth", options.env)
        primed.result()
    tools = tool_identity(terraform, build)
    cache_root = options.plan_cache or options.out / "plan-cache"
    cache = plan_cache(options.plan_cache / "plans", tools) if options.plan_cache else None
    prior = (
        Prior(options.state_dir, f"recorded state in `{options.state_dir}`") if options.state_dir else None
    )
    if base_ref is not None:
        with _timed(progress, timings, "base", f"prior state from the base {base_ref}"):
            request = BaseRequest(
                base_ref,
                options.config_dir,
                cache_root,
                options.out / "base",
                build,
                options.workers,
            )
            side = prepare_base(
                request,
                terraform,
                tools,
                synthesize_base or _no_base_synthesis,
                lambda: prior_state.Schemas.from_file(provider_schemas(terraform, build, cache_root, tools)),
                progress.note,
                cache,
            )
            if not side.reused:
                prune_bases(request.cache_dir)
            progress.note(f"prior state: {side.describe()}")
        prior = Prior(side.states, side.describe(), side)
    prior = prior or Prior(None, NO_PRIOR_STATE)
    if options.live:
        prior = Prior(None, LIVE_STATE)
    with _timed(
        progress, timings, "plan", f"plan {len(stacks)} stack(s) {'live' if options.live else 'offline'}"
    ):
        plans = _plan(options, stacks, build, prior, terraform, progress, cache)
        if not options.live:  # a live review plans without the cache: nothing to judge it by
            _evict(cache, options, stacks)
        _require_plans(plans, estate, options.out / "synth")
    views = _stack_views(options.out / "synth", plans)
    scanned = checkov_cache(options.plan_cache / "checkov", checkov_command()) if options.plan_cache else None
    with _timed(progress, timings, "checkov", "checkov on the plans"):
        checkov = run_checkov(
            {plan.name: _plan_path(plan) for plan in plans},
            options.out / "checkov",
            workers=options.workers,
            cache=scanned,
        )
        _evict(scanned, options, stacks)
        reused = f", {len(checkov.reused)} unchanged plan(s) from the cache" if checkov.reused else ""
        progress.note(f"checkov {checkov.version}: {checkov.checks_run} check results{reused}")
    with _timed(
        progress, timings, "checks", f"{len(policies.checks)} project check(s), change safety, suppressions"
    ):
        changes = _changes(views, plans, prior, estate, options.env)
        context = _change_context(estate, views, prior, policies.change_safety)
        review = _verdict(estate, views, checkov, policies, changes, context)
    review.prior_state = prior.description
    review.timings = timings
    review.reused_plans = [plan.name for plan in plans if plan.reused]
    review.reused_checkov = list(checkov.reused)
    return review


def _plan(
    options: Options,
    stacks: list[str],
    build: Path,
    prior: Prior,
    terraform: Terraform,
    progress: Progress,
    cache: ContentCache | None,
) -> list[StackPlan]:
    if options.live:
        return plan_live(
            options.out / "synth",
            options.out / "live",
            stacks,
            terraform,
            role_name=options.role_name,
            workers=options.workers,
            on_done=lambda plan: progress.note(_plan_line(plan)),
        )
    return plan_stacks(
        options.out / "synth",
        options.out / "plans",
        build,
        stacks,
        workers=options.workers,
        state_dir=prior.state_dir,
        terraform=terraform,
        on_done=lambda plan: progress.note(_plan_line(plan)),
        cache=cache,
    )


def _evict(cache: ContentCache | None, options: Options, stacks: list[str]) -> None:
    """Drop what this review did not use: everywhere after a whole review, only in the stacks it
    reviewed after an `--env` one (the other environments' entries are still current)."""
    if cache is not None:
        cache.evict_unused(None if options.env is None else stacks)


def _base_ref(options: Options) -> str | None:
    """The ref to compare against: as given, or for `auto` the pull request's base (None: none).

    Recorded state (--state-dir) is the better prior state: it wins over `auto`.
    """
    recorded = options.state_dir is not None or options.live
    if options.base is None or (options.base == AUTO and recorded):
        return None
    if recorded:
        raise ToolError(f"--base {options.base} with --state-dir or --live: give one prior state, not two")
    if options.base != AUTO:
        return options.base
    return auto_base(repository_root(options.config_dir.resolve()))


def _no_base_synthesis(config: Path, out: Path, env: str | None, code: Path) -> list[str]:
    raise ToolError("this caller cannot synthesize a base (no base synthesizer given)")


def _changes(
    views: dict[str, StackView], plans: list[StackPlan], prior: Prior, estate: Estate, env: str | None
) -> dict[str, list[Change]]:
    """Each stack's planned changes, and the resources of stacks gone from the config (orphans)."""
    changes = {
        name: _with_origins(
            plan_changes(view, _removed_regions(plan.directory, view.synthesized)), view, estate
        )
        for name, view, plan in ((plan.name, views[plan.name], plan) for plan in plans)
    }
    for stack, state in _removed_stacks(prior, set(views), env).items():
        changes[stack] = orphaned(stack, state)
    return changes


def _with_origins(changes: list[Change], view: StackView, estate: Estate) -> list[Change]:
    """Each replacement and removed-region destroy with the YAML key that caused it, where known."""
    raw = {str(change.get("address")): change for change in view.resource_changes}
    regions = key_origin(estate, "organization", ("approved_regions",))
    annotated = []
    for change in changes:
        origin = None
        if change.action == "replace" and change.address in raw:
            origin = replacement_origin(raw[change.address], view.synthesized, estate, view.name)
        elif change.region_removed:
            origin = regions
        annotated.append(dataclasses.replace(change, origin=str(origin)) if origin else change)
    return annotated


def _removed_regions(directory: Path, synthesized: dict[str, Any]) -> dict[str, str]:
    """address -> alias for state resources whose provider the stack no longer configures."""
    state_file = directory / "terraform.tfstate"
    if not state_file.is_file():
        return {}
    state = _read_json(state_file)
    gone = {f"aws.{alias}" for alias in missing_providers(synthesized, state)}
    return {
        address: key.split(".", 1)[1]
        for address, key in prior_state.state_resource_providers(state).items()
        if key in gone
    }


def _removed_stacks(prior: Prior, planned: set[str], env: str | None) -> dict[str, dict[str, Any]]:
    """Stacks the prior state has and the head does not (with --env: only that environment's)."""
    if prior.state_dir is None or not prior.state_dir.is_dir():
        return {}
    removed = {}
    for state_file in sorted(prior.state_dir.glob("*.tfstate")):
        stack = state_file.stem
        if stack in planned or (env is not None and stack != env):
            continue
        state = _read_json(state_file)
        if prior_state.state_addresses(state):
            removed[stack] = state
    return removed


def _change_context(
    estate: Estate, views: dict[str, StackView], prior: Prior, safety: ChangeSafety
) -> ChangeContext:
    """prevent_destroy as the head marks it, and as the base did for what the head removed."""
    marked = {name: set(protected_addresses(view.synthesized)) for name, view in views.items()}
    if prior.base is not None:
        for stack, addresses in prior.base.protected.items():
            marked.setdefault(stack, set()).update(addresses)
    stages = set(safety.rules.production_stages)
    production = frozenset(name for name, env in estate.environments.items() if env.stage in stages)
    return ChangeContext({name: frozenset(found) for name, found in marked.items()}, production)


def _plan_line(plan: StackPlan) -> str:
    if plan.reused:
        return f"{plan.name}: plan reused from the plan cache (config, state and tools unchanged)"
    together = f" (one Terraform run with {', '.join(plan.planned_with)})" if plan.planned_with else ""
    return f"{plan.name}: {'planned' if plan.ok else 'FAILED'} in {plan.seconds:.1f} s{together}"


def _plan_path(plan: StackPlan) -> Path:
    if plan.plan_json is None:
        raise ToolError(f"stack {plan.name} has no plan")
    return plan.plan_json


def _require_plans(plans: list[StackPlan], estate: Estate, synth_dir: Path) -> None:
    """A stack that does not plan stops the review, its error led by the YAML key behind it."""
    failed = [plan for plan in plans if not plan.ok]
    if failed:
        details = "\n\n".join(_plan_error(plan, estate, synth_dir) for plan in failed)
        raise ToolError(f"terraform plan failed for {len(failed)} stack(s):\n{details}")


def _plan_error(plan: StackPlan, estate: Estate, synth_dir: Path) -> str:
    error = plan.error or ""
    stack_file = synth_dir / "stacks" / plan.name / "cdk.tf.json"
    origin = config_origin(error, _read_json(stack_file), estate, plan.name) if stack_file.is_file() else None
    where = f"{origin}: the value this stack was refused for comes from here\n" if origin else ""
    return f"{where}stack {plan.name}: {error}"


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


def _verdict(
    estate: Estate,
    views: dict[str, StackView],
    checkov: CheckovRun,
    policies: Policies,
    changes: dict[str, list[Change]],
    context: ChangeContext,
) -> Review:
    """Pure: results from every source, suppressions applied, compliance evaluated."""
    ours = run_checks(policies.checks, CheckContext(estate, views))
    flat = [change for stack_changes in changes.values() for change in stack_changes]
    raw = [*checkov.results, *ours, *policies.change_safety.results(flat, context)]
    results = policies.suppressions.apply(raw)
    order = topology(estate).names  # organization, log-archive, security, then environments
    stacks = sorted(views, key=lambda name: (order.index(name) if name in order else len(order), name))
    removed = sorted(set(changes) - set(views))
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
        config_files=_config_files(estate, [*stacks, *removed]),
        removed_stacks=removed,
        access=access_report(estate, views),
    )


def _config_files(estate: Estate, stacks: list[str]) -> dict[str, str]:
    """The YAML file a finding in each stack is fixed in (environment stacks: their own file)."""
    organization = estate.sources.get("organization")
    fallback = organization.name if organization else "environments/organization.yaml"
    return {
        stack: display_path(estate.sources[stack].path)
        if stack in estate.sources
        else (fallback if stack in ROLE_STACKS else f"{stack}.yaml (removed)")
        for stack in stacks
    }
