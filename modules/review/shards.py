"""Which stacks a shard reviews: `lz review --shard I/N` takes a deterministic, balanced slice.

Every shard of one change computes the same slices from the same synthesized stacks, so the
shards need not talk to each other: shard I reviews `slices(...)[I - 1]`. Balanced by resource
count (a stack's plan and checkov cost grows with its resources), by the longest-first greedy
rule: the heaviest stack left goes to the lightest shard. Every stack, the role stacks included,
is in exactly one slice. Pure: no files, no tools.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

_SHARD = re.compile(r"^(\d+)/(\d+)$")
MAX_SHARDS = 256


@dataclass(frozen=True, order=True)
class Shard:
    index: int  # 1-based, as CI matrices count
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def parse_shard(text: str) -> Shard:
    """`I/N` with 1 <= I <= N <= MAX_SHARDS; ValueError names what was expected."""
    match = _SHARD.match(text.strip())
    if match is None:
        raise ValueError(f"'{text}' is not a shard: expected I/N, e.g. 2/4 (the second of four)")
    index, count = int(match.group(1)), int(match.group(2))
    if not 1 <= count <= MAX_SHARDS:
        raise ValueError(f"'{text}': the shard count must be between 1 and {MAX_SHARDS}")
    if not 1 <= index <= count:
        raise ValueError(f"'{text}': the shard index must be between 1 and {count}")
    return Shard(index, count)


def resource_count(synthesized: Mapping[str, Any]) -> int:
    """Resources and data sources a stack declares: what its plan and its checkov scan cost."""
    return sum(len(named) for block in ("resource", "data") for named in synthesized.get(block, {}).values())


def slices(weights: Mapping[str, int], count: int) -> list[list[str]]:
    """`count` slices of the stacks (name -> weight), heaviest first to the lightest slice.

    Ties break by name and by slice number, so every shard computes the same slices. A slice may
    be empty when there are fewer stacks than shards; each slice lists its stacks by name."""
    loads = [0] * count
    assigned: list[list[str]] = [[] for _ in range(count)]
    for name in sorted(weights, key=lambda stack: (-max(weights[stack], 1), stack)):
        lightest = min(range(count), key=lambda index: (loads[index], index))
        assigned[lightest].append(name)
        loads[lightest] += max(weights[name], 1)
    return [sorted(stacks) for stacks in assigned]


def slice_of(weights: Mapping[str, int], shard: Shard) -> list[str]:
    return slices(weights, shard.count)[shard.index - 1]


def matrix(weights: Mapping[str, int], count: int) -> list[dict[str, Any]]:
    """The CI job matrix: one entry per non-empty slice, numbered as `--shard` expects.

    Fewer stacks than shards gives fewer jobs, renumbered so `--merge` sees 1..N with none missing."""
    used = [stacks for stacks in slices(weights, count) if stacks]
    total = len(used)
    if total == count:
        return [{"shard": f"{index}/{total}", "stacks": stacks} for index, stacks in enumerate(used, 1)]
    return matrix(weights, total) if total else []


def ordered(stacks: Sequence[str], order: Sequence[str]) -> list[str]:
    """Stacks in the estate's order (organization, log-archive, security, environments)."""
    position = {name: index for index, name in enumerate(order)}
    return sorted(stacks, key=lambda name: (position.get(name, len(position)), name))


# A shard job pays a fixed price (checkout, install, synthesis: ~1-2 minutes) before it plans:
# fewer resources than this to plan and a job of its own costs more than it saves.
MIN_RESOURCES_PER_SHARD = 400


def shard_count(weights: Mapping[str, int], focus: Sequence[str], most: int) -> int:
    """How many shards are worth their fixed price: one per MIN_RESOURCES_PER_SHARD resources
    to plan (the `focus` stacks), at least one, at most `most`."""
    planned = sum(weights.get(name, 0) for name in focus)
    return max(1, min(most, planned // MIN_RESOURCES_PER_SHARD))
