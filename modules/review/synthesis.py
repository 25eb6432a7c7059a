"""The review's synthesis: a stack synthesized before from the same inputs is taken from the cache.

A stack's output is a function of what it is built from (`stack_estate`: the whole estate for a
role stack, the organization and its own environment for an environment stack), of the code and
data that synthesize it, of the binding packages' versions, and of where the output lands (a
local backend's state path is relative to it). The cache key covers exactly that, so a stack
whose key is found is what synthesis would write again; only the others are synthesized, in one
child process (`lz synth --stack ...`). When every stack is found, no bindings are imported.

This is what makes `--changed` cheap (one environment changed: the role stacks and that
environment are synthesized) and what a shard of the CI's job matrix takes from the job that
computed the matrix (it synthesized every stack).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from modules.config import Estate
from modules.config.topology import stack_estate
from modules.core.folders import swap_in
from modules.deployment.config import LOCAL_STATE_DIR
from modules.review.content_cache import SOURCE_ROOT, ContentCache, Inputs, code_digest
from modules.review.errors import ToolError
from modules.review.policy_set import tree_digest

# What synthesizes a stack, with every project module it imports.
SYNTHESIS_CODE = ("modules.stacks.app", "modules.synth", "modules.targets.emulator")
# Data files synthesis reads (policy templates, service tables): every file, whatever reads it.
SYNTHESIS_DATA = (SOURCE_ROOT / "policies", SOURCE_ROOT / "modules")
_NOT_DATA = frozenset({".py", ".pyc", ".md"})  # .py is hashed by import; .md is documentation
BINDING_PACKAGES = ("cdktf", "cdktf-cdktf-provider-aws", "constructs", "jsii")
STACK_FILE = "cdk.tf.json"

# (stack names, out) -> the stacks synthesized into `out`; only the names asked for.
SynthesizeStacks = Callable[[list[str], Path], list[str]]


@dataclass(frozen=True)
class Synthesized:
    stacks: list[str]
    reused: list[str]  # taken from the cache

    def describe(self) -> str:
        made = len(self.stacks) - len(self.reused)
        return f"{made} stack(s) synthesized, {len(self.reused)} unchanged from the synthesis cache"


def synthesis_cache(directory: Path) -> ContentCache:
    """Entries per stack (`<stack>/<key>.json`: the stack's cdk.tf.json)."""
    return ContentCache(directory, synthesis_identity())


def synthesis_identity() -> str:
    """The code, the data and the packages that synthesize: any change makes every entry stale."""
    digest = hashlib.sha256(code_digest(SYNTHESIS_CODE).encode())
    for root in SYNTHESIS_DATA:
        digest.update(f"\0{root.name}\0{tree_digest(root, frozenset({'__pycache__'}), _NOT_DATA)}".encode())
    for package in BINDING_PACKAGES:
        digest.update(f"\0{package}=={_version(package)}".encode())
    digest.update(f"\0python {sys.version_info.major}.{sys.version_info.minor}".encode())
    return digest.hexdigest()


def stack_inputs(estate: Estate, stack: str, out: Path, emulator: str | None = None) -> Inputs:
    """Everything of this review that decides `stack`'s output, as bytes."""
    built_from = stack_estate(estate, stack)
    model = {
        "organization": built_from.organization.model_dump(mode="json"),
        "environments": {
            name: env.model_dump(mode="json") for name, env in sorted(built_from.environments.items())
        },
    }
    return [
        ("stack", stack.encode()),
        ("estate", json.dumps(model, sort_keys=True, separators=(",", ":")).encode()),
        # A local backend's state path is relative from the output folder to the project's state.
        ("state-path", os.path.relpath(LOCAL_STATE_DIR, out.resolve() / "stacks" / stack).encode()),
        ("emulator", None if emulator is None else emulator.encode()),
    ]


def synthesize_cached(
    estate: Estate,
    names: list[str],
    out: Path,
    synthesize: SynthesizeStacks,
    cache: ContentCache | None,
    emulator: str | None = None,
) -> Synthesized:
    """`names` into `out/stacks/<name>/cdk.tf.json`: found ones copied, the rest synthesized (and
    kept). The folder is swapped in whole: a failed synthesis leaves the previous one."""
    if cache is None:
        return Synthesized(sorted(synthesize(names, out)), [])
    inputs = {name: stack_inputs(estate, name, out, emulator) for name in names}
    found = {name: cache.get(name, inputs[name]) for name in names}
    missing = [name for name in names if found[name] is None]
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.cached-", dir=out.parent))
    try:
        if missing:
            # Into `out` itself: a local backend's state path is computed against it.
            _require(synthesize(missing, out), missing)
            for name in missing:
                shutil.copytree(out / "stacks" / name, staging / "stacks" / name)
                cache.put(name, inputs[name], (out / "stacks" / name / STACK_FILE).read_bytes())
        for name, entry in found.items():
            if entry is not None:
                target = staging / "stacks" / name / STACK_FILE
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(entry, target)
        swap_in(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return Synthesized(sorted(names), sorted(name for name in names if found[name] is not None))


def _require(made: Iterable[str], asked: list[str]) -> None:
    absent = sorted(set(asked) - set(made))
    if absent:
        raise ToolError(f"synthesis did not write the stack(s) {', '.join(absent)}")


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "absent"
