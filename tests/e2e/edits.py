"""What the emulator run changes in a stack before deploying it: test-tier edits, never production.

moto cannot serve everything the stacks declare; tests/e2e/exclusions.yaml lists what it cannot,
each with its reason, and these functions apply that list to a synthesized (emulator-target)
`cdk.tf.json`, returning what they removed or adjusted so the run can print it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from fnmatch import fnmatch
from typing import Any

_REFERENCE = re.compile(r"\$\{(?:data\.)?([a-z0-9_]+)\.([A-Za-z0-9_-]+)")


def _references(block: Any) -> set[tuple[str, str]]:
    """Resources a block points at: `${type.name...}` interpolations and `depends_on` entries."""
    found = set(_REFERENCE.findall(json.dumps(block)))
    depends_on = block.get("depends_on", []) if isinstance(block, dict) else []
    found.update((entry.split(".")[0], entry.split(".")[1]) for entry in depends_on if entry.count(".") == 1)
    return found


def prune(config: dict[str, Any], excluded_types: Mapping[str, str]) -> tuple[dict[str, Any], list[str]]:
    """Drop excluded resources and, transitively, everything that references them.

    A key of `excluded_types` is a resource type (`aws_securityhub_account`) or an address pattern
    (`aws_iam_role_policy_attachment.config-aggregator*`). Returns the pruned stack and the removed
    addresses, so the emulator run can print exactly what it did not deploy.
    """
    resources: dict[str, dict[str, Any]] = config.get("resource", {})
    patterns = [key for key in excluded_types if "." in key]
    removed = {
        (kind, name)
        for kind in resources
        for name in resources[kind]
        if kind in excluded_types or any(fnmatch(f"{kind}.{name}", pattern) for pattern in patterns)
    }
    changed = True
    while changed:
        changed = False
        for kind, blocks in resources.items():
            for name, block in blocks.items():
                if (kind, name) not in removed and _references(block) & removed:
                    removed.add((kind, name))
                    changed = True
    pruned = json.loads(json.dumps(config))
    for kind, name in removed:
        del pruned["resource"][kind][name]
    pruned["resource"] = {kind: blocks for kind, blocks in pruned.get("resource", {}).items() if blocks}
    outputs = pruned.get("output", {})
    for output_name in [o for o, block in outputs.items() if _references(block) & removed]:
        del outputs[output_name]
    return pruned, sorted(f"{kind}.{name}" for kind, name in removed)


def drop_values(
    config: dict[str, Any], drops: Sequence[Mapping[str, str]]
) -> tuple[dict[str, Any], list[str]]:
    """Remove single list values the emulator rejects (e.g. a service principal it does not know).

    Each drop names `resource_type`, `attribute` and `value`; returns the adjusted stack and a line
    per value removed.
    """
    adjusted = json.loads(json.dumps(config))
    removed = []
    for drop in drops:
        for name, block in adjusted.get("resource", {}).get(drop["resource_type"], {}).items():
            values = block.get(drop["attribute"])
            if isinstance(values, list) and drop["value"] in values:
                values.remove(drop["value"])
                removed.append(f"{drop['resource_type']}.{name}.{drop['attribute']} -= {drop['value']}")
    return adjusted, removed


def ignore_changes(
    config: dict[str, Any], entries: Sequence[Mapping[str, Any]]
) -> tuple[dict[str, Any], list[str]]:
    """Add `lifecycle.ignore_changes` for attributes the emulator does not read back as written.

    Each entry names `resource_types` and `attributes`. The configured values are still sent when
    the resource is created; only the re-plan stops comparing them with what the emulator returns.
    Returns the adjusted stack and a line per resource adjusted.
    """
    adjusted = json.loads(json.dumps(config))
    lines = []
    for entry in entries:
        for kind in entry["resource_types"]:
            for name, block in adjusted.get("resource", {}).get(kind, {}).items():
                ignored = block.setdefault("lifecycle", {}).setdefault("ignore_changes", [])
                if ignored == "all":
                    continue
                added = [attribute for attribute in entry["attributes"] if attribute not in ignored]
                ignored.extend(added)
                if added:
                    lines.append(f"{kind}.{name} ignore_changes {', '.join(added)}")
    return adjusted, lines
