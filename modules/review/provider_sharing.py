"""One set of provider processes for several stacks of a Terraform run, each stack's plan unchanged.

Why: each provider configuration is its own provider process (~1.2 s CPU to start, ~100 MB and
more as it plans), alive for the whole run, and every stack has one per approved region. Stacks
whose offline provider configurations differ only in their default tags (`lz:stack`) can use the
same processes: the generated root configures each provider once and passes it to every stack's
module. On the sample that is 2 provider processes instead of 12: the plan phase takes half the
CPU and half the memory.

What differs then is only what the default tags decide: each resource's `tags_all` and the
stacks' `provider_config`. The root's providers carry the default tags the members have in
common (at least one, so that `tags_all` is known exactly when it would be alone), and `restore`
adds each stack's own ones back: `tags_all` is the provider's merge of its default tags with the
resource's tags (the resource's win), Terraform prints maps with sorted keys. Only stacks planned
from nothing share: with prior state, the recorded `tags_all` would differ from what the shared
provider plans and Terraform would show updates that are not there (those stacks keep their own
providers, modules/review/batch.py). tests/review/test_provider_sharing.py compares a shared run
with each stack planned alone.

Pure JSON: no Terraform is run here.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from modules.review import batch

# What a provider block may hold to be shared: settings the offline copy writes, plain values.
# `ignore_tags` changes `tags_all` in ways `restore` does not model: such a stack plans alone.
UNSHAREABLE_SETTINGS = frozenset({"ignore_tags", "assume_role", "assume_role_with_web_identity"})
DEFAULT_PROVIDER = "aws"


def provider_key(block: Mapping[str, Any]) -> str:
    """`aws` or `aws.<alias>`: the provider's key in Terraform's `provider_config`."""
    alias = block.get("alias")
    return f"{DEFAULT_PROVIDER}.{alias}" if alias else DEFAULT_PROVIDER


def default_tags(block: Mapping[str, Any]) -> dict[str, str] | None:
    """The provider's default tags as plain strings; None if they are anything else."""
    blocks = block.get("default_tags")
    if blocks is None:
        return {}
    if not isinstance(blocks, list) or len(blocks) != 1 or set(blocks[0]) - {"tags"}:
        return None
    tags = blocks[0].get("tags") or {}
    if not isinstance(tags, dict) or not all(
        isinstance(key, str) and isinstance(value, str) and "${" not in key + value
        for key, value in tags.items()
    ):
        return None
    return dict(tags)


def share_key(config: Mapping[str, Any]) -> str | None:
    """What stacks must agree on to share providers; None: this stack keeps its own."""
    providers = config.get("provider", {})
    blocks = providers.get(DEFAULT_PROVIDER) if set(providers) == {DEFAULT_PROVIDER} else None
    if not isinstance(blocks, list) or not blocks:
        return None
    required = config.get("terraform", {}).get("required_providers", {})
    plain = [{key: value for key, value in block.items() if key != "default_tags"} for block in blocks]
    if (
        any(UNSHAREABLE_SETTINGS & set(block) for block in blocks)
        or any(default_tags(block) is None for block in blocks)
        or "${" in json.dumps([plain, required])
        or len({provider_key(block) for block in blocks}) != len(blocks)
    ):
        return None
    return json.dumps({"providers": sorted(plain, key=provider_key), "required": required}, sort_keys=True)


@dataclass(frozen=True)
class Sharing:
    """The providers a run's stacks share, and what each stack needs to get its own plan back."""

    providers: list[dict[str, Any]]  # the root's blocks: the common default tags only
    required_providers: dict[str, Any]
    own_tags: dict[str, dict[str, dict[str, str]]]  # stack -> provider key -> its default tags
    resource_providers: dict[str, dict[str, str]] = field(default_factory=dict)  # stack -> type.name -> key


def sharing(configs: Mapping[str, Mapping[str, Any]]) -> Sharing | None:
    """How `configs` (stack -> offline config, none with prior state) share providers, if they can."""
    keys = {share_key(config) for config in configs.values()}
    if len(configs) < 2 or len(keys) != 1 or None in keys:
        return None
    first = next(iter(configs.values()))
    own_tags = {
        stack: {
            provider_key(block): default_tags(block) or {} for block in config["provider"][DEFAULT_PROVIDER]
        }
        for stack, config in configs.items()
    }
    providers = []
    for block in first["provider"][DEFAULT_PROVIDER]:
        key = provider_key(block)
        tag_sets = [own_tags[stack][key] for stack in configs]
        common = dict(set.intersection(*(set(tags.items()) for tags in tag_sets)))
        if not common and any(tag_sets):
            return None  # `tags_all` would be unknown where each stack alone knows it
        shared = {name: value for name, value in block.items() if name != "default_tags"}
        if common:
            shared["default_tags"] = [{"tags": dict(sorted(common.items()))}]
        providers.append(shared)
    return Sharing(
        providers,
        copy.deepcopy(first.get("terraform", {}).get("required_providers", {})),
        own_tags,
        {stack: _resource_providers(config) for stack, config in configs.items()},
    )


def _resource_providers(config: Mapping[str, Any]) -> dict[str, str]:
    return {
        f"{kind}.{name}": body.get("provider") or DEFAULT_PROVIDER
        for kind, named in config.get("resource", {}).items()
        for name, body in named.items()
    }


def write_root(directory: Path, configs: Mapping[str, Mapping[str, Any]], shared: Sharing) -> None:
    """The generated root in `directory`: the shared providers, each stack a child module using them."""
    calls = {}
    for stack, config in configs.items():
        child = batch.as_child_module(config)
        child.pop("provider", None)
        keys = [provider_key(block) for block in config["provider"][DEFAULT_PROVIDER]]
        required = copy.deepcopy(child["terraform"].get("required_providers", {}))
        aliases = [key for key in keys if key != DEFAULT_PROVIDER]
        if aliases:
            required.setdefault(DEFAULT_PROVIDER, {})["configuration_aliases"] = aliases
        child["terraform"] = {**child["terraform"], "required_providers": required}
        (directory / stack).mkdir(parents=True, exist_ok=True)
        (directory / stack / "cdk.tf.json").write_text(json.dumps(child), encoding="utf-8")
        calls[stack] = {"source": f"./{stack}", "providers": {key: key for key in keys}}
    root = {
        "terraform": {"required_providers": shared.required_providers},
        "provider": {DEFAULT_PROVIDER: shared.providers},
        "module": calls,
    }
    (directory / batch.BATCH_ROOT_FILE).write_text(json.dumps(root, indent=2), encoding="utf-8")


def restore(plan: dict[str, Any], combined: Mapping[str, Any], stack: str, shared: Sharing) -> dict[str, Any]:
    """`plan` (split from a shared run) as the stack alone would have it: its default tags back."""
    tags = shared.own_tags[stack]
    providers = shared.resource_providers[stack]

    def own(kind: str, name: str) -> dict[str, str]:
        return tags.get(providers.get(f"{kind}.{name}", DEFAULT_PROVIDER), {})

    _restore_module(plan.get("planned_values", {}).get("root_module", {}), own)
    for change in plan.get("resource_changes", []):
        if change.get("mode") == "managed":
            _restore_tags_all(change.get("change", {}).get("after"), own(change["type"], change["name"]))
    if "configuration" in plan:
        root_providers = combined.get("configuration", {}).get("provider_config", {})
        plan["configuration"]["provider_config"] = {
            key: _with_own_tags(root_providers[key], tags[key]) for key in tags if key in root_providers
        }
    return plan


def _restore_module(module: dict[str, Any], own: Any) -> None:
    for resource in module.get("resources", []):
        if resource.get("mode") == "managed":
            _restore_tags_all(resource.get("values"), own(resource["type"], resource["name"]))
    for child in module.get("child_modules", []):
        _restore_module(child, own)


def _restore_tags_all(values: Any, own_tags: Mapping[str, str]) -> None:
    """`tags_all` = the provider's default tags merged with the resource's (which the shared
    provider already merged with the common part): add the stack's own, keep what is there."""
    if isinstance(values, dict) and isinstance(values.get("tags_all"), dict) and own_tags:
        values["tags_all"] = dict(sorted({**own_tags, **values["tags_all"]}.items()))


def _with_own_tags(provider: Mapping[str, Any], own_tags: Mapping[str, str]) -> dict[str, Any]:
    """The root's provider entry as the stack's own: its default tags, no module address."""
    entry = copy.deepcopy({name: value for name, value in provider.items() if name != "module_address"})
    expressions = entry.setdefault("expressions", {})
    if own_tags:
        expressions["default_tags"] = [{"tags": {"constant_value": dict(sorted(own_tags.items()))}}]
        entry["expressions"] = dict(sorted(expressions.items()))
    else:
        expressions.pop("default_tags", None)
    return entry
