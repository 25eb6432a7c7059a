"""A shard's partial result, and the merge of every shard's into one verdict.

`lz review --shard I/N` judges its slice of the stacks (modules/review/shards.py) and writes
`OUT/partial/`: a manifest (which shard, which stacks, what it was made from, whether it
completed), one judgement per stack it judged, and the views of the role stacks it holds.
`lz review --merge DIR...` reads them back into the same `Judged` a single run builds and ends in
the same `finish`, so the merged reports are the single run's.

The merge refuses (exit 2, "not completed") what would make a verdict it cannot stand behind: a
shard missing, failed, given twice or from another config, policy set or code; a stack in no
shard or in two. Never a partial green.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from modules.review.change_safety import Change
from modules.review.errors import ToolError
from modules.review.judge import Judged, StackJudgement, change_from_json
from modules.review.model import StackView
from modules.review.shards import Shard, parse_shard

FOLDER = "partial"
MANIFEST = "manifest.json"
FORMAT = 1
COMPLETED, FAILED = "completed", "failed"
# Must be the same in every shard and in the merging checkout: otherwise the shards judged
# different changes. Tools and checkov only across shards (the merge runs neither).
SAME_AS_MERGE = ("config", "policies", "code", "env")
SAME_ACROSS_SHARDS = ("tools", "checkov", "prior")


@dataclass(frozen=True)
class ShardRun:
    """What a shard knows of its run besides its judgements."""

    shard: Shard
    identity: Mapping[str, str]
    stacks: Sequence[str]  # every stack of the review
    slice: Sequence[str]  # this shard's


def write_partial(out: Path, run: ShardRun, judged: Judged) -> Path:
    """OUT/partial/, replaced whole (a rerun never leaves an earlier run's stacks behind)."""
    target = out / FOLDER
    staging = Path(tempfile.mkdtemp(prefix=".partial-", dir=_parent(out)))
    (staging / "stacks").mkdir()
    (staging / "views").mkdir()
    for name, judgement in judged.judgements.items():
        _write(staging / "stacks" / f"{name}.json", judgement.as_json())
    for name, view in judged.role_views.items():
        _write(staging / "views" / f"{name}.json", {"synthesized": view.synthesized, "plan": view.plan})
    manifest = _manifest(run, COMPLETED) | {
        "removed": {stack: [_change(c) for c in changes] for stack, changes in judged.removed.items()},
        "base_protected": judged.base_protected,
        "prior_state": judged.prior_state,
        "checkov_version": judged.checkov_version,
        "timings": judged.timings,
        "reused_plans": judged.reused_plans,
        "reused_checkov": judged.reused_checkov,
        "unchanged": judged.unchanged,
        "changed": judged.changed,
    }
    _write(staging / MANIFEST, manifest)
    shutil.rmtree(target, ignore_errors=True)
    staging.replace(target)
    return target


def write_failed(out: Path, shard: Shard, error: str) -> Path:
    """A failed shard still leaves a manifest, so the merge names it and why."""
    target = out / FOLDER
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    _write(target / MANIFEST, {"format": FORMAT, "shard": str(shard), "status": FAILED, "error": error})
    return target


def _manifest(run: ShardRun, status: str) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "shard": str(run.shard),
        "status": status,
        "identity": dict(run.identity),
        "stacks": list(run.stacks),
        "slice": list(run.slice),
    }


def _parent(out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    return out


def _change(change: Change) -> dict[str, Any]:
    return {
        "stack": change.stack,
        "address": change.address,
        "type": change.type,
        "action": change.action,
        "replace_paths": list(change.replace_paths),
        "region_removed": change.region_removed,
        "origin": change.origin,
    }


def _write(path: Path, data: Any) -> None:
    handle, staged = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as file:
        json.dump(data, file)
    Path(staged).replace(path)


@dataclass(frozen=True)
class Partial:
    directory: Path
    manifest: dict[str, Any]

    @property
    def shard(self) -> Shard:
        return parse_shard(str(self.manifest["shard"]))


def find_partial(directory: Path) -> Path:
    """A partial result folder, given it or the `--out` folder of the shard's review."""
    for candidate in (directory, directory / FOLDER):
        if (candidate / MANIFEST).is_file():
            return candidate
    raise ToolError(
        f"{directory}: no partial result ({MANIFEST} not found here nor in {directory / FOLDER}); "
        "did that shard run, and was its output downloaded?"
    )


def read_partials(directories: Iterable[Path]) -> list[Partial]:
    partials = []
    for directory in directories:
        folder = find_partial(directory)
        try:
            manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise ToolError(f"{folder / MANIFEST}: unreadable ({error})") from None
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise ToolError(f"{folder / MANIFEST}: not a partial result of this version (format {FORMAT})")
        try:
            parse_shard(str(manifest.get("shard")))
        except ValueError as error:
            raise ToolError(f"{folder / MANIFEST}: {error}") from None
        partials.append(Partial(folder, manifest))
    return partials


def check_complete(partials: Sequence[Partial], identity: Mapping[str, str]) -> None:
    """Every shard of one run, each completed, from this config, policies and code; every stack
    judged exactly once. Raises ToolError naming each problem."""
    problems: list[str] = []
    failed = [p for p in partials if p.manifest.get("status") != COMPLETED]
    for partial in failed:
        problems.append(f"shard {partial.shard} failed: {partial.manifest.get('error') or 'no reason given'}")
    counts = {partial.shard.count for partial in partials}
    if len(counts) > 1:
        runs = " and ".join(map(str, sorted(counts)))
        problems.append(f"the partial results come from runs of {runs} shards")
    count = max(counts, default=0)
    seen: dict[int, Path] = {}
    for partial in partials:
        index = partial.shard.index
        if index in seen:
            problems.append(f"shard {partial.shard} is given twice ({seen[index]} and {partial.directory})")
        seen[index] = partial.directory
    missing = [f"{index}/{count}" for index in range(1, count + 1) if index not in seen]
    if missing:
        problems.append(f"shard(s) {', '.join(missing)} missing: their stacks were not reviewed")
    completed = [p for p in partials if p.manifest.get("status") == COMPLETED]
    problems.extend(_identity_problems(completed, identity))
    problems.extend(_coverage_problems(completed))
    if problems:
        raise ToolError("the shards do not make one complete review:\n  " + "\n  ".join(problems))


def _identity_problems(partials: Sequence[Partial], identity: Mapping[str, str]) -> list[str]:
    problems = []
    for key in SAME_AS_MERGE:
        for partial in partials:
            if partial.manifest["identity"].get(key) != identity.get(key):
                problems.append(
                    f"shard {partial.shard} judged another {key} than this checkout has "
                    "(shards and merge must run on the same commit)"
                )
    for key in SAME_ACROSS_SHARDS:
        values = {str(partial.manifest["identity"].get(key)) for partial in partials}
        if len(values) > 1:
            problems.append(f"the shards disagree on {key}: {' / '.join(sorted(values))}")
    return problems


def _coverage_problems(partials: Sequence[Partial]) -> list[str]:
    if not partials:
        return []
    expected = list(partials[0].manifest["stacks"])
    problems = [
        f"shard {partial.shard} reviewed another set of stacks"
        for partial in partials
        if partial.manifest["stacks"] != expected
    ]
    owner: dict[str, str] = {}
    for partial in partials:
        for stack in partial.manifest["slice"]:
            if stack in owner:
                problems.append(f"stack {stack} is in shard {owner[stack]} and shard {partial.shard}")
            owner[stack] = str(partial.shard)
            if not (partial.directory / "stacks" / f"{stack}.json").is_file():
                problems.append(f"shard {partial.shard} has no judgement of its stack {stack}")
    if all(p.manifest.get("status") == COMPLETED for p in partials):
        unjudged = [stack for stack in expected if stack not in owner]
        if unjudged:
            problems.append(f"stack(s) {', '.join(unjudged)} in no shard")
    return problems


def merge_judged(partials: Sequence[Partial]) -> Judged:
    """The `Judged` of the whole review, from complete partial results (see check_complete)."""
    judged = Judged(judgements={}, role_views={})
    changed: list[str] | None = []
    for partial in sorted(partials, key=lambda p: p.shard):
        manifest = partial.manifest
        for stack in manifest["slice"]:
            data = json.loads((partial.directory / "stacks" / f"{stack}.json").read_text("utf-8"))
            judged.judgements[stack] = StackJudgement.from_json(data)
        for path in sorted((partial.directory / "views").glob("*.json")):
            view = json.loads(path.read_text(encoding="utf-8"))
            judged.role_views[path.stem] = StackView(path.stem, view["synthesized"], view["plan"])
        for stack, changes in manifest["removed"].items():
            judged.removed[stack] = [change_from_json(change) for change in changes]
        judged.base_protected.update(manifest["base_protected"])
        judged.checkov_version = judged.checkov_version or str(manifest["checkov_version"])
        for key, seconds in manifest["timings"].items():  # the slowest shard sets the pace
            judged.timings[key] = max(judged.timings.get(key, 0.0), float(seconds))
        judged.reused_plans.extend(manifest["reused_plans"])
        judged.reused_checkov.extend(manifest["reused_checkov"])
        judged.unchanged.extend(manifest["unchanged"])
        changed = None if changed is None or manifest["changed"] is None else [*changed, *manifest["changed"]]
    descriptions = sorted({str(partial.manifest["prior_state"]) for partial in partials})
    judged.prior_state = "; ".join(descriptions)
    # Every shard lists the same changed stacks (it compares the same synthesis with the same base).
    judged.changed = None if changed is None else sorted(set(changed))
    return judged
