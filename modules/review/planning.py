"""Offline plans of synthesized stacks: each stack's offline copy (modules/targets/offline.py),
`init` / `plan` / `show -json` in parallel runs sharing one plugin cache, a few stacks planned
together as child modules (modules/review/batch.py), each handed its own plan JSON.

An offline plan (`-refresh=false`, no data sources, dummy credentials) is a pure function of the
stack's offline configuration, its recorded state, the Terraform version, the provider package
and the code that prepares and splits plans. The plan cache key hashes exactly those (`plan_cache`),
so a reused plan is byte for byte what Terraform would print again (its `timestamp` says when it
was made). Which entries a review keeps is the pipeline's decision, not made here.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from modules.review import batch, provider_sharing
from modules.review.content_cache import ContentCache, Inputs, code_digest
from modules.review.errors import ToolError
from modules.review.plugin_cache import PROVIDER, prime_plugin_cache
from modules.review.terraform_cli import StackPlan, Terraform, find_mirror, output_tail, write_cli_config
from modules.targets.offline import offline_copy

# The code whose output a cached plan is, with everything it imports: a change to it invalidates
# every entry.
PLANNING_CODE = (__name__,)
STACK_INPUTS = ("cdk.tf.json", "terraform.tfstate")
# Stacks sharing providers: the provider processes' memory grows with the resources they plan
# (~0.5 MB each at GOGC=200): two runs of this size side by side and the idle checkov stay under
# 2 GiB (30 environments at 1,200: 1,934 MiB).
MAX_RESOURCES_PER_SHARED_RUN = 1000


def plan_cache(directory: Path, tools: str) -> ContentCache:
    """The cache of offline plans; `tools`: what identifies Terraform and the provider."""
    identity = hashlib.sha256(f"{tools}\0{code_digest(PLANNING_CODE)}".encode()).hexdigest()
    return ContentCache(directory, identity)


def stack_inputs(stack_dir: Path) -> Inputs:
    """What an offline plan is made from besides tools and code: the offline copy and its state."""
    return [
        (name, path.read_bytes() if path.is_file() else None)
        for name, path in ((name, stack_dir / name) for name in STACK_INPUTS)
    ]


def restore_plan(cache: ContentCache, stack_dir: Path) -> Path | None:
    """The cached plan of the offline copy in `stack_dir`, copied to its plan.json; None on a miss."""
    entry = cache.get(stack_dir.name, stack_inputs(stack_dir))
    if entry is None:
        return None
    target = stack_dir / "plan.json"
    shutil.copyfile(entry, target)
    return target


def store_plan(cache: ContentCache, stack_dir: Path, plan_json: Path) -> None:
    cache.put(stack_dir.name, stack_inputs(stack_dir), plan_json.read_bytes())


def prepare_plan_dir(stack_dir: Path, plan_root: Path, *, state_dir: Path | None = None) -> Path:
    """Copy a synthesized stack (with its assets) into `plan_root/<stack>` and make it offline.

    With `state_dir`, the stack's prior state (`<stack>.tfstate`: recorded, or made from the
    base's plans) is copied in read-only: with `-refresh=false` the plan then shows real updates,
    replacements and destroys without calling AWS. Without it every resource is a create. State
    is never picked up implicitly: the verdict must not depend on a stray local file.
    """
    target = plan_root / stack_dir.name
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(stack_dir, target, ignore=shutil.ignore_patterns(".terraform", "*.tfstate*"))
    config_path = target / "cdk.tf.json"
    synthesized = json.loads(config_path.read_text(encoding="utf-8"))
    state_file = state_dir / f"{stack_dir.name}.tfstate" if state_dir else None
    state = None
    if state_file is not None and state_file.is_file():
        shutil.copyfile(state_file, target / "terraform.tfstate")
        state = json.loads(state_file.read_text(encoding="utf-8"))
    config_path.write_text(json.dumps(offline_copy(synthesized, state=state), indent=2), encoding="utf-8")
    return target


def plan_stacks(
    synth_dir: Path,
    plan_root: Path,
    build_dir: Path,
    stacks: Iterable[str],
    *,
    workers: int = 2,
    state_dir: Path | None = None,
    terraform: Terraform | None = None,
    on_done: Callable[[StackPlan], None] | None = None,
    cache: ContentCache | None = None,
) -> list[StackPlan]:
    """Offline plans of the named synthesized stacks: a few stacks per Terraform run, runs in
    parallel, one plugin cache; with `cache` (see `plan_cache`), stacks whose inputs did not
    change are not planned again. Returned in the order of `stacks`."""
    if terraform is None:
        terraform = Terraform(write_cli_config(build_dir, find_mirror()))
        prime_plugin_cache(terraform, build_dir)
    names = list(stacks)
    shutil.rmtree(plan_root / ".runs", ignore_errors=True)  # runs of an earlier review
    directories = {
        name: prepare_plan_dir(synth_dir / "stacks" / name, plan_root, state_dir=state_dir) for name in names
    }
    reused = _reuse(cache, directories)
    for result in reused.values():
        if on_done is not None:
            on_done(result)
    runs = plan_runs({name: path for name, path in directories.items() if name not in reused})

    def plan(index: int) -> list[StackPlan]:
        members = {name: directories[name] for name in runs[index]}
        if len(members) == 1:
            results = [terraform.plan(*members.values())]
        else:
            results = plan_together(terraform, plan_root / ".runs" / f"run-{index + 1}", members)
        for result in results:
            if cache is not None and result.plan_json is not None and result.error is None:
                store_plan(cache, result.directory, result.plan_json)
            if on_done is not None:
                on_done(result)
        return results

    # Biggest runs first, so the last one to finish is a small one.
    order = sorted(range(len(runs)), key=lambda index: -len(runs[index]))
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        planned = {result.name: result for results in pool.map(plan, order) for result in results}
    planned.update(reused)
    return [planned[name] for name in names]


def _reuse(cache: ContentCache | None, directories: dict[str, Path]) -> dict[str, StackPlan]:
    reused = {}
    for name, directory in directories.items():
        plan_json = restore_plan(cache, directory) if cache is not None else None
        if plan_json is not None:
            reused[name] = StackPlan(name, directory, plan_json, None, 0.0, reused=True)
    return reused


def tool_identity(terraform: Terraform, build_dir: Path) -> str:
    """Terraform's version and the provider package hashes: what a cached plan was made with.

    Needs `prime_plugin_cache` first (its lock file records the provider's hashes).
    """
    version = terraform.run(build_dir, "version", "-json")
    if version.returncode != 0:
        raise ToolError(f"terraform version failed:\n{output_tail(version)}")
    reported = json.loads(version.stdout)
    lock = (build_dir / "primer" / ".terraform.lock.hcl").read_text(encoding="utf-8")
    return f"terraform {reported.get('terraform_version')} {reported.get('platform')}\n{lock}"


def plan_runs(directories: dict[str, Path]) -> list[list[str]]:
    """Which stacks share a Terraform run: stacks that can share providers (planned from nothing,
    same provider settings) packed by resource count, other batchable ones by provider count,
    the rest alone."""
    sharing: dict[str, list[tuple[str, int]]] = {}
    together: list[tuple[str, int]] = []
    alone: list[list[str]] = []
    for name, directory in directories.items():
        config = _read_config(directory)
        key = provider_sharing.share_key(config) if not (directory / "terraform.tfstate").is_file() else None
        if key is not None and batch.batchable(name, config):
            sharing.setdefault(key, []).append((name, batch.resource_count(config)))
        elif batch.batchable(name, config):
            together.append((name, batch.provider_count(config)))
        else:
            alone.append([name])
    shared = [run for group in sharing.values() for run in batch.group(group, MAX_RESOURCES_PER_SHARED_RUN)]
    return [*shared, *batch.group(together), *alone]


def plan_together(terraform: Terraform, run_dir: Path, members: dict[str, Path]) -> list[StackPlan]:
    """One Terraform run for `members` (stack -> offline copy), one plan JSON per stack.

    Stacks planned from nothing share providers when they can (modules/review/provider_sharing.py).
    If the run fails, each stack is planned alone, so an error names the stack that caused it.
    """
    started = time.monotonic()
    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir(parents=True)
    configs = {name: _read_config(directory) for name, directory in members.items()}
    states = {
        name: json.loads((directory / "terraform.tfstate").read_text(encoding="utf-8"))
        for name, directory in members.items()
        if (directory / "terraform.tfstate").is_file()
    }
    shared = None if states else provider_sharing.sharing(configs)
    if shared is not None:
        provider_sharing.write_root(run_dir, configs, shared)
    else:
        batch.write_root(run_dir, configs)
    if states:
        (run_dir / "terraform.tfstate").write_text(json.dumps(batch.merge_states(states)), encoding="utf-8")
    shown, error = terraform.show_plan(run_dir)
    if error is not None:
        return [terraform.plan(directory) for directory in members.values()]
    combined = json.loads(shown)
    seconds = time.monotonic() - started
    results = []
    for name, directory in members.items():
        plan = batch.split_plan(combined, name)
        if shared is not None:
            plan = provider_sharing.restore(plan, combined, name, shared)
        plan_json = directory / "plan.json"
        plan_json.write_text(json.dumps(plan), encoding="utf-8")
        others = tuple(other for other in members if other != name)
        results.append(StackPlan(name, directory, plan_json, None, seconds, run_dir, others))
    return results


def _read_config(directory: Path) -> dict[str, Any]:
    config: dict[str, Any] = json.loads((directory / "cdk.tf.json").read_text(encoding="utf-8"))
    return config


def provider_schemas(terraform: Terraform, build_dir: Path, cache_dir: Path, tools: str) -> Path:
    """`terraform providers schema -json` of the primed provider, kept per tool identity.

    The base-aware review types its placeholders by it (modules/review/prior_state.py). Needs
    `prime_plugin_cache` first (the primer folder is the initialized configuration).
    """
    key = hashlib.sha256(tools.encode()).hexdigest()[:16]
    target = cache_dir / f"provider-schema-{key}.json"
    if target.is_file():
        return target
    result = terraform.run(build_dir / "primer", "providers", "schema", "-json")
    if result.returncode != 0:
        raise ToolError(f"terraform providers schema failed:\n{output_tail(result)}")
    schemas = json.loads(result.stdout)["provider_schemas"][PROVIDER]["resource_schemas"]
    cache_dir.mkdir(parents=True, exist_ok=True)
    staging = target.with_suffix(".tmp")
    staging.write_text(json.dumps({"resource_schemas": schemas}), encoding="utf-8")
    staging.replace(target)
    return target
