"""`lz review`: validate -> synth -> offline plans -> checkov -> judge stack by stack -> verdict.

Everything cheap and everything that can say "bad input" runs before the expensive part: configs,
policy files, check files, terraform, the provider mirror and checkov are all looked at before
the bindings are imported. Synthesis is passed in (the CLI owns the cdktf import), so this
package never imports cdktf.

`collect` runs everything up to the per-stack judgements (modules/review/judge.py), for every
stack or for one shard's slice (`--shard`), planning only what changed since the base
(`--changed`; the rest from the judgement cache). A single run then ends in `finish`; a shard
writes its judgements for `run_merge`, which ends in the same `finish`.

The pipeline owns the caches' lifecycle: planning, checkov and judging read and fill them, and
after each step the review drops the entries it did not use, of the stacks it reviewed only
(`_evict`), so a review of one environment or one shard keeps every other stack's entries.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from modules.config import Estate, load_estate
from modules.config.topology import ORGANIZATION, ROLE_STACKS, require_environment, stack_names, topology
from modules.review import prior_state
from modules.review.base import (
    AUTO,
    BaseRequest,
    BaseSide,
    auto_base,
    base_cached,
    config_digest,
    prepare_base,
    prune_bases,
    repository_root,
)
from modules.review.checkov import (
    CHECKOV_VERSION,
    CheckovRun,
    Prewarmed,
    checkov_cache,
    checkov_command,
    run_checkov,
)
from modules.review.content_cache import ContentCache, Inputs, code_digest
from modules.review.errors import ToolError
from modules.review.judge import Judged, StackJudgement, finish, judge_stack, removed_stack_changes
from modules.review.live import plan_live
from modules.review.model import Result, StackView
from modules.review.partial import check_complete, merge_judged, read_partials
from modules.review.planning import plan_cache, plan_stacks, provider_schemas, tool_identity
from modules.review.plugin_cache import prime_plugin_cache
from modules.review.policy_set import Policies, load_policies, tree_digest
from modules.review.progress import Progress
from modules.review.provenance import config_origin
from modules.review.shards import Shard, matrix, ordered, resource_count, shard_count, slice_of
from modules.review.synthesis import Synthesized, synthesis_cache, synthesize_cached
from modules.review.terraform_cli import StackPlan, Terraform, provider_source, write_cli_config
from modules.review.verdict import Review

# The code that judges a stack, with everything it imports: a change to it invalidates every
# cached judgement.
JUDGING_CODE = ("modules.review.judge",)
# (estate, out, stack names) -> the stacks synthesized into out: exactly those named.
Synthesize = Callable[[Estate, Path, list[str]], list[str]]
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
    changed: bool = False  # plan and scan only the stacks the change touches (needs a base)
    shard: Shard | None = None  # review only this shard's slice, for `--merge`
    matrix: int | None = None  # only list the CI jobs for at most this many shards, then stop
    today: dt.date = field(default_factory=dt.date.today)  # expiry dates compare against it


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


@dataclass
class Collected:
    """A review up to its verdict: the estate, the policies, and every stack of this run judged."""

    estate: Estate
    policies: Policies
    stacks: list[str]  # every stack of the review (with --shard: of every shard), estate order
    selected: list[str]  # the stacks this run judged (its shard's slice, or all of them)
    judged: Judged
    identity: dict[str, str]  # what a merge compares across shards: config, policies, code, tools
    matrix: list[dict[str, Any]] | None = None  # with Options.matrix: the CI jobs, nothing judged


def run_review(
    options: Options,
    synthesize: Synthesize,
    progress: Progress,
    synthesize_base: SynthesizeBase | None = None,
) -> Review:
    collected = collect(options, synthesize, progress, synthesize_base)
    return finish(collected.estate, collected.policies, collected.judged)


def collect(
    options: Options,
    synthesize: Synthesize,
    progress: Progress,
    synthesize_base: SynthesizeBase | None = None,
) -> Collected:
    """Validate, synthesize, the prior state, plans, checkov, and each stack of this run judged."""
    timings: dict[str, float] = {}
    with _timed(progress, timings, "validate", "validate configs and policies"):
        # The whole estate even with --env: the role stacks carry every environment.
        estate = load_estate(options.config_dir)
        require_environment(estate, options.env, options.config_dir)
        policies = load_policies(options.policies, options.today)
        build = options.out / "build"
        terraform = Terraform(write_cli_config(build, provider_source()))
        checkov = checkov_command()  # fail now, not after minutes of synthesis
        base_ref = _base_ref(options)
        if options.changed and base_ref is None:
            raise ToolError(
                "--changed compares every stack with a base: give --base REF (e.g. origin/main), or run "
                "in a pull request (--base auto); without one every stack is changed"
            )
    # checkov's import runs while synthesis holds one core; stopped when this review ends.
    with Prewarmed.start(checkov, parallel=options.workers) as prewarmed:
        return _collect(
            options,
            synthesize,
            progress,
            synthesize_base,
            _Started(estate, policies, terraform, checkov, base_ref, prewarmed),
            timings,
        )


@dataclass(frozen=True)
class _Started:
    """What validation made and the rest of the review uses."""

    estate: Estate
    policies: Policies
    terraform: Terraform
    checkov: list[str]
    base_ref: str | None
    prewarmed: Prewarmed


def _collect(
    options: Options,
    synthesize: Synthesize,
    progress: Progress,
    synthesize_base: SynthesizeBase | None,
    started: _Started,
    timings: dict[str, float],
) -> Collected:
    estate, policies, terraform, checkov, base_ref = (
        started.estate,
        started.policies,
        started.terraform,
        started.checkov,
        started.base_ref,
    )
    build = options.out / "build"
    synth_dir = options.out / "synth"
    with ThreadPoolExecutor(max_workers=1) as background:
        primed = background.submit(prime_plugin_cache, terraform, build)  # overlaps the bindings import
        with _timed(progress, timings, "synth", "synthesize stacks (what the synthesis cache lacks)"):
            synthesized = _synthesize(options, estate, synthesize, synth_dir)
        primed.result()
    progress.note(synthesized.describe())
    stacks = ordered(synthesized.stacks, topology(estate).names)
    tools = tool_identity(terraform, build)
    cache_root = options.plan_cache or options.out / "plan-cache"
    cache = plan_cache(options.plan_cache / "plans", tools) if options.plan_cache else None
    prior = _prior(
        options,
        base_ref,
        terraform,
        tools,
        cache_root,
        cache,
        build,
        synthesize_base,
        progress,
        timings,
        started.prewarmed,
    )
    identity = _identity(options, tools, checkov)
    judgements = (
        judgement_cache(options.plan_cache / "judgements", identity)
        if options.plan_cache and not options.live
        else None
    )
    selection = _select(options, estate, stacks, synth_dir, prior, judgements)
    for line in selection.notes:
        progress.note(line)
    if options.matrix is not None:
        jobs = matrix(selection.weights, shard_count(selection.weights, selection.focus, options.matrix))
        return Collected(estate, policies, stacks, [], Judged({}, {}), identity, jobs)
    reviewed = selection.reviewed
    with _timed(
        progress, timings, "plan", f"plan {len(reviewed)} stack(s) {'live' if options.live else 'offline'}"
    ):
        plans = _plan(options, reviewed, build, prior, terraform, progress, cache) if reviewed else []
        if not options.live:  # a live review plans without the cache: nothing to judge it by
            _evict(cache, selection.evict_scope())
        _require_plans(plans, estate, synth_dir)
    with _timed(progress, timings, "checkov", "checkov on the plans"):
        scan = _scan(options, checkov, plans, selection, started.prewarmed)
        reused = f", {len(scan.reused)} unchanged plan(s) from the cache" if scan.reused else ""
        progress.note(f"checkov {scan.version}: {scan.checks_run} check results{reused}")
    with _timed(progress, timings, "judge", f"{len(policies.checks)} project check(s), stack by stack"):
        judged = _judge_stacks(estate, policies, synth_dir, plans, scan, prior, judgements, selection)
        if judgements is not None:
            _evict(judgements, selection.evict_scope(cached=True))
    _complete(judged, prior, selection, stacks, options.env)
    judged.checkov_version = scan.version
    judged.timings = timings
    judged.reused_plans = [plan.name for plan in plans if plan.reused]
    judged.reused_checkov = list(scan.reused)
    return Collected(estate, policies, stacks, selection.stacks, judged, identity)


def _synthesize(options: Options, estate: Estate, synthesize: Synthesize, synth_dir: Path) -> Synthesized:
    """The stacks of this review, each one unchanged since a cached synthesis taken from it."""
    names = stack_names(estate, options.env)
    cache = synthesis_cache(options.plan_cache / "synthesis") if options.plan_cache else None
    synthesized = synthesize_cached(
        estate, names, synth_dir, lambda wanted, out: synthesize(estate, out, wanted), cache
    )
    # A review of every stack drops the entries of stacks the estate no longer has.
    _evict(cache, None if options.env is None else names)
    return synthesized


def _scan(
    options: Options, checkov: list[str], plans: list[StackPlan], selection: Selection, prewarmed: Prewarmed
) -> CheckovRun:
    if not plans:  # every stack of this shard came from the judgement cache
        return CheckovRun([], "", 0)
    scanned = checkov_cache(options.plan_cache / "checkov", checkov) if options.plan_cache else None
    scan = run_checkov(
        {plan.name: _plan_path(plan) for plan in plans},
        options.out / "checkov",
        workers=options.workers,
        cache=scanned,
        prewarmed=prewarmed,
    )
    _evict(scanned, selection.evict_scope())
    return scan


def _complete(judged: Judged, prior: Prior, selection: Selection, stacks: list[str], env: str | None) -> None:
    """The prior side of the judgement: removed stacks (once), the base's prevent_destroy marks."""
    if selection.holds_removed:
        judged.removed = removed_stack_changes(_removed_stacks(prior, set(stacks), env))
    judged.base_protected = _base_protected(prior, [*selection.stacks, *judged.removed])
    judged.prior_state = prior.description
    judged.unchanged = sorted(selection.cached)
    judged.changed = selection.changed


def _prior(
    options: Options,
    base_ref: str | None,
    terraform: Terraform,
    tools: str,
    cache_root: Path,
    cache: ContentCache | None,
    build: Path,
    synthesize_base: SynthesizeBase | None,
    progress: Progress,
    timings: dict[str, float],
    prewarmed: Prewarmed,
) -> Prior:
    """Where the plans' prior state comes from: recorded, the base's, live, or none."""
    if options.live:
        return Prior(None, LIVE_STATE)
    if options.state_dir:
        return Prior(options.state_dir, f"recorded state in `{options.state_dir}`")
    if base_ref is None:
        return Prior(None, NO_PRIOR_STATE)
    with _timed(progress, timings, "base", f"prior state from the base {base_ref}"):
        work = options.out / "base"
        request = BaseRequest(base_ref, options.config_dir, cache_root, work, build, options.workers)
        if not base_cached(request, tools):
            prewarmed.suspend()  # minutes of Terraform runs: they get its memory
        side = prepare_base(
            request,
            terraform,
            tools,
            synthesize_base or _no_base_synthesis,
            lambda: prior_state.Schemas.from_file(provider_schemas(terraform, build, cache_root, tools)),
            progress.note,
            cache,
        )
        prewarmed.resume()
        if not side.reused:
            prune_bases(request.cache_dir)
        progress.note(f"prior state: {side.describe()}")
    return Prior(side.states, side.describe(), side)


def _identity(options: Options, tools: str, checkov: list[str]) -> dict[str, str]:
    """What decides a stack's judgement besides its own inputs; shards of one change agree on it."""
    return merge_identity(options.config_dir, options.policies, options.env) | {
        "tools": tools,
        "checkov": " ".join([CHECKOV_VERSION, *checkov]),
        "prior": "live" if options.live else ("recorded" if options.state_dir else (options.base or "none")),
    }


def judgement_cache(directory: Path, identity: Mapping[str, str]) -> ContentCache:
    """Each stack's judgement, keyed by its synthesized config, its prior state and the config
    files its checks may read; the identity covers policies, code, tools and checkov (not the
    whole config: that changes with every environment file)."""
    shared = {key: value for key, value in identity.items() if key not in ("config", "env", "prior")}
    return ContentCache(directory, json.dumps(shared, sort_keys=True))


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


def _evict(cache: ContentCache | None, scope: list[str] | None) -> None:
    """Drop what this review did not use: everywhere after a whole review, else only in the
    stacks it reviewed (the other environments' and shards' entries are still current)."""
    if cache is not None:
        cache.evict_unused(scope)


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


@dataclass
class Selection:
    """The stacks this run judges, and how: planned and scanned now, or from the judgement cache."""

    stacks: list[str]  # this run's stacks (its shard's slice, or every stack), estate order
    reviewed: list[str]  # planned and scanned in this run
    cached: dict[str, StackJudgement]  # unchanged since the base, judged by an earlier review
    changed: list[str] | None  # with --changed: stacks whose synthesized config differs from the base's
    holds_removed: bool  # this run reports the stacks gone from the config (one shard does)
    whole: bool  # every stack of the estate, planned here: the caches may drop what it did not use
    weights: dict[str, int] = field(default_factory=dict)  # what slices balance (--shard, --matrix)
    focus: list[str] = field(default_factory=list)  # the stacks to plan and scan (--changed: fewer)
    notes: list[str] = field(default_factory=list)

    def evict_scope(self, *, cached: bool = False) -> list[str] | None:
        """Where a cache may drop unused entries: everywhere after a whole review, else only in
        the stacks this run planned (with `cached`: and those it took from the judgement cache)."""
        if self.whole:
            return None
        return [*self.reviewed, *(self.cached if cached else ())]


def _select(
    options: Options,
    estate: Estate,
    stacks: list[str],
    synth_dir: Path,
    prior: Prior,
    judgements: ContentCache | None,
) -> Selection:
    """`--changed`: the stacks whose synthesized config differs from the base's, plus the role
    stacks (the role-scope checks and the access matrix read them); the others are taken from the
    judgement cache, or reviewed when it has no entry. `--shard I/N`: this shard's slice."""
    sliced = options.shard is not None or options.matrix is not None
    configs = (
        {name: _read_json(_synthesized(synth_dir, name)) for name in stacks}
        if options.changed or sliced
        else {}
    )
    changed: list[str] | None = None
    focus = set(stacks)
    if options.changed:
        digests = prior.base.digests if prior.base is not None else {}
        changed = [name for name in stacks if config_digest(configs[name]) != digests.get(name)]
        focus = set(changed) | {name for name in stacks if name in ROLE_STACKS}
    mine = stacks
    weights = {name: resource_count(configs[name]) if name in focus else 1 for name in configs}
    if options.shard is not None:
        mine = ordered(slice_of(weights, options.shard), stacks)
    cached: dict[str, StackJudgement] = {}
    notes = []
    for name in (name for name in mine if name not in focus):
        found = _cached_judgement(judgements, estate, synth_dir, prior, name)
        if found is None:
            notes.append(f"{name}: unchanged since the base, but no review of it is cached: reviewed now")
        else:
            cached[name] = found
    if options.shard is not None:
        notes.insert(0, f"shard {options.shard}: {len(mine)} of {len(stacks)} stack(s): {', '.join(mine)}")
    return Selection(
        stacks=mine,
        reviewed=[name for name in mine if name not in cached],
        cached=cached,
        changed=changed,
        holds_removed=_holds_removed(options.shard, mine, stacks),
        whole=options.env is None and options.shard is None and not options.changed,
        weights=weights,
        focus=[name for name in stacks if name in focus],
        notes=notes,
    )


def _holds_removed(shard: Shard | None, mine: list[str], stacks: list[str]) -> bool:
    """Stacks gone from the config are reported once: by the shard with the organization stack."""
    if shard is None:
        return True
    return ORGANIZATION in mine if ORGANIZATION in stacks else shard.index == 1


def _judgement_inputs(estate: Estate, synthesized: dict[str, Any], prior: Prior, stack: str) -> Inputs:
    """A stack's judgement is made from its synthesized config, its prior state, and the config
    files a stack-scope check may read for it: organization.yaml and the stack's own file."""
    state = prior.state_dir / f"{stack}.tfstate" if prior.state_dir else None
    files = [source.path for name, source in sorted(estate.sources.items()) if name in (ORGANIZATION, stack)]
    return [
        ("cdk.tf.json", config_digest(synthesized).encode()),
        ("terraform.tfstate", state.read_bytes() if state is not None and state.is_file() else None),
        *((f"config:{path.name}", path.read_bytes()) for path in files),
    ]


def _cached_judgement(
    cache: ContentCache | None, estate: Estate, synth_dir: Path, prior: Prior, stack: str
) -> StackJudgement | None:
    if cache is None or stack in ROLE_STACKS:
        return None
    synthesized = _read_json(_synthesized(synth_dir, stack))
    entry = cache.get(stack, _judgement_inputs(estate, synthesized, prior, stack))
    if entry is None:
        return None
    try:
        return StackJudgement.from_json(json.loads(entry.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        return None  # unreadable (an older layout, edited by hand): review the stack again


def _judge_stacks(
    estate: Estate,
    policies: Policies,
    synth_dir: Path,
    plans: list[StackPlan],
    scan: CheckovRun,
    prior: Prior,
    cache: ContentCache | None,
    selection: Selection,
) -> Judged:
    """Each planned stack judged alone, its plan dropped before the next is read; the role
    stacks' views kept (three, whatever the estate's size)."""
    checkov: dict[str, list[Result]] = {}
    for result in scan.results:
        checkov.setdefault(result.stack, []).append(result)
    judgements = dict(selection.cached)
    role_views: dict[str, StackView] = {}
    for plan in plans:
        synthesized = _read_json(_synthesized(synth_dir, plan.name))
        view = StackView(plan.name, synthesized, _read_json(_plan_path(plan)))
        state_file = plan.directory / "terraform.tfstate"
        state = _read_json(state_file) if state_file.is_file() else None
        judgement = judge_stack(estate, policies.checks, view, state, checkov.get(plan.name, []))
        judgements[plan.name] = judgement
        if cache is not None:
            inputs = _judgement_inputs(estate, synthesized, prior, plan.name)
            cache.put(plan.name, inputs, json.dumps(judgement.as_json()).encode())
        if plan.name in ROLE_STACKS:
            role_views[plan.name] = view
    return Judged(judgements, role_views)


def _base_protected(prior: Prior, stacks: list[str]) -> dict[str, list[str]]:
    if prior.base is None:
        return {}
    return {name: prior.base.protected[name] for name in stacks if name in prior.base.protected}


def _synthesized(synth_dir: Path, stack: str) -> Path:
    return synth_dir / "stacks" / stack / "cdk.tf.json"


def run_merge(
    config_dir: Path,
    policies_dir: Path,
    env: str | None,
    partial_dirs: list[Path],
    progress: Progress,
    today: dt.date | None = None,
) -> Review:
    """`lz review --merge DIR...`: the shards' partial results judged as one review.

    No synthesis, Terraform or checkov: the configs and policies are read (a shard made from
    others is refused), the role-scope checks run on the role stacks' views, and the verdict is
    `finish` over every shard's judgements, as in a single run."""
    timings: dict[str, float] = {}
    with _timed(progress, timings, "merge", f"merge {len(partial_dirs)} partial result(s)"):
        estate = load_estate(config_dir)
        require_environment(estate, env, config_dir)
        policies = load_policies(policies_dir, today or dt.date.today())
        partials = read_partials(partial_dirs)
        check_complete(partials, merge_identity(config_dir, policies_dir, env))
        judged = merge_judged(partials)
        review = finish(estate, policies, judged)
    review.timings["merge"] = timings["merge"]
    return review


def merge_identity(config_dir: Path, policies_dir: Path, env: str | None) -> dict[str, str]:
    """The part of `_identity` the merging checkout can compute without Terraform or checkov."""
    return {
        "config": tree_digest(config_dir),
        "policies": tree_digest(policies_dir),
        "code": code_digest(JUDGING_CODE),
        "env": env or "",
    }
