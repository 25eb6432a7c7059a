"""Plan several stacks in one Terraform run, then cut the combined plan back into one plan per stack.

Why: every Terraform process loads the AWS provider's schema again (`init`, `plan`, `show -json`
each pay for it), so planned one by one a stack costs ~16 s CPU; three stacks planned together
cost ~9 s each. A stack is a self-contained configuration (its own providers, no variables,
outputs or data), so as a child module of a generated root it plans exactly the same resources
with the same provider settings; `split_plan` gives each stack the plan JSON a standalone
`terraform show -json` would have given it (tests/review/test_batch.py compares the two).

A stack that cannot be a faithful child module (see `batchable`) is planned on its own.
Pure JSON: no Terraform is run here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

BATCH_ROOT_FILE = "main.tf.json"
# Each provider configuration is its own ~130 MB provider process, alive for the whole plan, and
# Terraform itself holds ~300 MB of schema: two runs side by side stay well under 2 GiB at this
# size (at 6, a base side's passes against state peaked at 2.2 GiB). Stacks planned from nothing
# share their providers instead (modules/review/provider_sharing.py).
MAX_PROVIDERS_PER_RUN = 4
# What a stack may contain to be planned as a child module with the same result.
BATCHABLE_BLOCKS = frozenset({"//", "terraform", "provider", "resource", "locals"})
_MODULE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


def batchable(name: str, config: Mapping[str, Any]) -> bool:
    """Only what a child module plans identically: no variables, outputs, data sources, imports."""
    return bool(_MODULE_NAME.match(name)) and set(config) <= BATCHABLE_BLOCKS


def provider_count(config: Mapping[str, Any]) -> int:
    return sum(len(blocks) for blocks in config.get("provider", {}).values())


def resource_count(config: Mapping[str, Any]) -> int:
    return sum(len(named) for named in config.get("resource", {}).values())


def group(stacks: Iterable[tuple[str, int]], limit: int = MAX_PROVIDERS_PER_RUN) -> list[list[str]]:
    """Stacks (name, weight: providers or resources) packed in order into runs of at most `limit`.

    A stack bigger than the limit gets a run of its own. Order is kept: runs are deterministic.
    """
    runs: list[list[str]] = []
    load = limit  # forces a new run for the first stack
    for name, providers in stacks:
        if load + providers > limit:
            runs.append([])
            load = 0
        runs[-1].append(name)
        load += providers
    return runs


def as_child_module(config: Mapping[str, Any]) -> dict[str, Any]:
    """The stack without its backend: only a root module has one (Terraform warns otherwise)."""
    child = dict(config)
    terraform = {key: value for key, value in config.get("terraform", {}).items() if key != "backend"}
    child["terraform"] = terraform
    return child


def root_module(members: Mapping[str, str]) -> dict[str, Any]:
    """The generated root: one module call per stack, `members` maps stack name to its folder."""
    return {"module": {name: {"source": source} for name, source in members.items()}}


def merge_states(states: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """One state holding every stack's resources under `module.<stack>` (state format 4)."""
    resources = []
    for stack, state in states.items():
        for resource in state.get("resources", []):
            moved = dict(resource)
            moved["module"] = _prefixed(stack, resource.get("module"))
            moved["provider"] = f"{_prefixed(stack, None)}.{resource['provider']}"
            resources.append(moved)
    versions = [
        str(state["terraform_version"]) for state in states.values() if state.get("terraform_version")
    ]
    return {
        "version": 4,
        # The newest writer: Terraform refuses a state newer than itself, as it would for that stack.
        "terraform_version": max(versions, key=_version_key, default="1.11.4"),
        "serial": 1,
        "lineage": "lz-review-batch",
        "outputs": {},
        "resources": resources,
        "check_results": None,
    }


def _version_key(version: str) -> tuple[int, ...]:
    """`1.11.4` > `1.9.0`: compare numerically, not as text."""
    return tuple(int(part) for part in version.split("-")[0].split(".") if part.isdigit())


def _prefixed(stack: str, module: str | None) -> str:
    return f"module.{stack}" + (f".{module}" if module else "")


def split_plan(combined: Mapping[str, Any], stack: str) -> dict[str, Any]:
    """The plan JSON of one stack, as `terraform show -json` of the stack alone would print it."""
    prefix = f"module.{stack}"
    plan: dict[str, Any] = {
        key: combined[key]
        for key in ("format_version", "terraform_version", "timestamp", "applyable", "complete", "errored")
        if key in combined
    }
    if "planned_values" in combined:
        planned = _child(combined["planned_values"], prefix) or {"resources": []}
        plan["planned_values"] = {"root_module": _unprefixed_module(planned, prefix, root=True)}
    changes = [_unprefixed_change(change, prefix) for change in combined.get("resource_changes", [])]
    plan["resource_changes"] = [change for change in changes if change is not None]
    prior = combined.get("prior_state", {})
    prior_module = _child(prior.get("values", {}), prefix)
    if prior_module is not None:  # a stack without state has no prior_state, as when planned alone
        plan["prior_state"] = {
            key: prior[key] for key in ("format_version", "terraform_version") if key in prior
        } | {"values": {"root_module": _unprefixed_module(prior_module, prefix, root=True)}}
    if "configuration" in combined:
        plan["configuration"] = _configuration(combined["configuration"], stack)
    attributes = combined.get("relevant_attributes", [])
    plan["relevant_attributes"] = [
        {**item, "resource": _strip(item["resource"], prefix)}
        for item in attributes
        if _inside(item["resource"], prefix)
    ]
    return _ordered_like(combined, plan)


def _inside(address: str, prefix: str) -> bool:
    return address == prefix or address.startswith(prefix + ".")


def _strip(address: str, prefix: str) -> str:
    return address[len(prefix) + 1 :] if address.startswith(prefix + ".") else ""


def _child(values: Mapping[str, Any], prefix: str) -> Mapping[str, Any] | None:
    """The stack's module in a `planned_values` / `prior_state` values tree."""
    children = values.get("root_module", {}).get("child_modules", [])
    return next((child for child in children if child.get("address") == prefix), None)


def _unprefixed_module(module: Mapping[str, Any], prefix: str, *, root: bool = False) -> dict[str, Any]:
    result: dict[str, Any] = {}
    if "resources" in module:
        result["resources"] = [
            {**resource, "address": _strip(resource["address"], prefix)} for resource in module["resources"]
        ]
    if not root:
        result["address"] = _strip(module["address"], prefix)
    if module.get("child_modules"):
        result["child_modules"] = [_unprefixed_module(child, prefix) for child in module["child_modules"]]
    return result


def _unprefixed_change(change: Mapping[str, Any], prefix: str) -> dict[str, Any] | None:
    if not _inside(change["address"], prefix):
        return None
    moved = dict(change)
    moved["address"] = _strip(change["address"], prefix)
    if "previous_address" in change:
        moved["previous_address"] = _strip(change["previous_address"], prefix)
    inner = _strip(change.get("module_address", ""), prefix)
    if inner:
        moved["module_address"] = inner
    else:
        moved.pop("module_address", None)
    return moved


def _configuration(configuration: Mapping[str, Any], stack: str) -> dict[str, Any]:
    key_prefix = f"module.{stack}:"
    providers = {}
    for key, provider in configuration.get("provider_config", {}).items():
        if key.startswith(key_prefix):
            providers[key[len(key_prefix) :]] = {
                name: value for name, value in provider.items() if name != "module_address"
            }
    call = configuration.get("root_module", {}).get("module_calls", {}).get(stack, {})
    module = _rekey_providers(call.get("module", {}), key_prefix)
    return {"provider_config": providers, "root_module": module}


def _rekey_providers(value: Any, key_prefix: str) -> Any:
    """`provider_config_key` values lose the stack's module prefix, at any depth."""
    if isinstance(value, dict):
        return {
            key: (
                item[len(key_prefix) :]
                if key == "provider_config_key" and isinstance(item, str) and item.startswith(key_prefix)
                else _rekey_providers(item, key_prefix)
            )
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_rekey_providers(item, key_prefix) for item in value]
    return value


def _ordered_like(combined: Mapping[str, Any], plan: dict[str, Any]) -> dict[str, Any]:
    """Top-level keys in Terraform's order, so the file reads like Terraform's own output."""
    order = [key for key in combined if key in plan] + [key for key in plan if key not in combined]
    return {key: plan[key] for key in order}


def write_root(directory: Path, stacks: Mapping[str, Mapping[str, Any]]) -> None:
    """The generated root in `directory`: each stack (offline config) as `./<stack>` child module."""
    for name, config in stacks.items():
        (directory / name).mkdir(parents=True, exist_ok=True)
        (directory / name / "cdk.tf.json").write_text(json.dumps(as_child_module(config)), encoding="utf-8")
    root = root_module({name: f"./{name}" for name in stacks})
    (directory / BATCH_ROOT_FILE).write_text(json.dumps(root, indent=2), encoding="utf-8")
