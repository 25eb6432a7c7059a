"""The prior state of a pull request's review, without credentials: what its base would leave.

`lz review --base REF` synthesizes REF's configs with REF's own code (a `git archive` export,
planned with this checkout's Terraform and provider), plans them offline, and turns the plans
into states (modules/review/prior_state.py) until a plan against them changes nothing. Those
states are the head's prior state, so Terraform itself decides what the pull request updates,
replaces or destroys. The result depends only on REF's tree, the tools and this code: it is
cached under the plan cache by that key (a base changes once per merge, not once per push).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from modules.review import prior_state
from modules.review.content_cache import ContentCache, code_digest
from modules.review.errors import ToolError
from modules.review.planning import plan_stacks, store_plan
from modules.review.terraform_cli import Terraform
from modules.targets.offline import protected_addresses

# A plan against the state made from the previous plan settles one more level of references
# (bucket -> policy naming its ARN -> ...); the sample settles in at most 5 plans.
MAX_PASSES = 8
# The code that makes a base's states, with everything it imports (the planning code included).
BASE_CODE = (__name__,)
MANIFEST = "manifest.json"
KEEP_BASES = 4  # base entries kept in the cache (newest first): a few open pull requests' bases
AUTO = "auto"
BASE_ENV = "LZ_REVIEW_BASE"
# Candidates for `--base auto` outside a pull request's CI: the default branch, remote first.
DEFAULT_BRANCHES = ("origin/HEAD", "origin/main", "origin/master", "main", "master")

Synthesize = Callable[[Path, Path, str | None, Path], list[str]]
Note = Callable[[str], None]


@dataclass(frozen=True)
class BaseSide:
    """The base's stacks and the state each would have once deployed."""

    ref: str
    commit: str
    states: Path  # <stack>.tfstate per base stack
    stacks: tuple[str, ...]
    protected: dict[str, list[str]] = field(default_factory=dict)  # stack -> prevent_destroy addresses
    digests: dict[str, str] = field(default_factory=dict)  # stack -> `config_digest` of its synthesis
    reused: bool = False
    passes: int = 0
    note: str = ""  # e.g. the base has no configs yet

    def describe(self) -> str:
        made = "from the cache" if self.reused else f"{self.passes} offline plan pass(es)"
        return f"base `{self.ref}` ({self.commit[:12]}, {len(self.stacks)} stack(s), {made}){self.note}"


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=False, timeout=120
    )
    if result.returncode != 0:
        raise ToolError(f"git {' '.join(args)} failed: {(result.stderr or result.stdout).strip()}")
    return result.stdout.strip()


def repository_root(path: Path) -> Path:
    try:
        return Path(git(path if path.is_dir() else path.parent, "rev-parse", "--show-toplevel"))
    except ToolError:
        raise ToolError(
            f"--base needs a git checkout: {path} is not inside one (use --state-dir for recorded state)"
        ) from None


def auto_base(repo: Path) -> str | None:
    """The base a review compares against when none is named: the pull request's target branch in
    CI (`$GITHUB_BASE_REF`, `$CI_MERGE_REQUEST_TARGET_BRANCH_NAME`), else where HEAD left the
    default branch. None when there is no such branch (a repository without one)."""
    for variable in ("GITHUB_BASE_REF", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME"):
        branch = os.environ.get(variable)
        if branch:
            return f"origin/{branch}"
    for candidate in DEFAULT_BRANCHES:
        try:
            git(repo, "rev-parse", "--verify", "--quiet", f"{candidate}^{{commit}}")
        except ToolError:
            continue
        return git(repo, "merge-base", "HEAD", candidate)
    return None


def resolve(repo: Path, ref: str) -> tuple[str, str]:
    """(commit, tree) of `ref`; a clear error when the ref is unknown (e.g. not fetched)."""
    try:
        commit = git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except ToolError:
        raise ToolError(
            f"base '{ref}' is not a commit in {repo} (in CI fetch it first, e.g. actions/checkout "
            "with fetch-depth: 0, or `git fetch origin main`)"
        ) from None
    return commit, git(repo, "rev-parse", f"{commit}^{{tree}}")


def export(repo: Path, commit: str, target: Path) -> None:
    """The commit's files (no .git) in `target`."""
    archive = subprocess.run(
        ["git", "-C", str(repo), "archive", "--format=tar", commit], capture_output=True, check=False
    )
    if archive.returncode != 0:
        raise ToolError(f"git archive {commit} failed: {archive.stderr.decode(errors='replace').strip()}")
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(target, filter="data")


def cache_key(tree: str, tools: str) -> str:
    digest = hashlib.sha256(f"{tree}\0{tools}\0{code_digest(BASE_CODE)}".encode())
    return digest.hexdigest()[:32]


@dataclass(frozen=True)
class BaseRequest:
    ref: str
    config_dir: Path  # the head's config folder; the base's is the same path in REF
    cache_dir: Path  # OUT/plan-cache (or --plan-cache); entries under base/
    work_dir: Path  # OUT/base: export, synthesized stacks, plans
    build_dir: Path
    workers: int = 2


def prepare_base(
    request: BaseRequest,
    terraform: Terraform,
    tools: str,
    synthesize: Synthesize,
    schemas: Callable[[], prior_state.Schemas],
    note: Note = lambda _: None,
    plans: ContentCache | None = None,
) -> BaseSide:
    """The base's settled states, from the cache or made now. With `plans`, each stack's last
    (settled) plan is stored there too: it is the head's plan of every stack the change leaves
    alone, keyed by the same offline config and state."""
    repo, commit, entry = _entry(request, tools)
    if (entry / MANIFEST).is_file():
        _touch(entry)
        return _load(entry, request.ref, commit)
    shutil.rmtree(request.work_dir, ignore_errors=True)
    source = request.work_dir / "source"
    source.mkdir(parents=True)
    export(repo, commit, source)
    config = source / request.config_dir.resolve().relative_to(repo)
    entry.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=entry.parent))
    states = staging / "states"
    states.mkdir()
    if not config.is_dir():
        manifest = {"stacks": [], "protected": {}, "passes": 0, "note": f"; {request.config_dir} not in base"}
    else:
        stacks = synthesize(config, request.work_dir / "synth", None, source)
        note(f"base {request.ref}: synthesized {len(stacks)} stack(s) with the base's own code")
        synth_dir = request.work_dir / "synth"
        passes = _settle(request, terraform, schemas(), synth_dir, stacks, states, note, plans)
        manifest = {
            "stacks": stacks,
            "protected": {name: protected_addresses(_config(synth_dir, name)) for name in stacks},
            "digests": {name: config_digest(_config(synth_dir, name)) for name in stacks},
            "passes": passes,
            "note": "",
        }
    (staging / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    shutil.rmtree(entry, ignore_errors=True)
    staging.replace(entry)
    return _load(entry, request.ref, commit, reused=False)


def _entry(request: BaseRequest, tools: str) -> tuple[Path, str, Path]:
    """The repository, the base's commit and its cache entry."""
    repo = repository_root(request.config_dir.resolve())
    commit, tree = resolve(repo, request.ref)
    # The whole base, whatever --env the head asks for: one entry serves every run against it.
    return repo, commit, request.cache_dir / "base" / cache_key(tree, tools)


def base_cached(request: BaseRequest, tools: str) -> bool:
    """Whether `prepare_base` will take the base side from the cache (not plan it)."""
    return (_entry(request, tools)[2] / MANIFEST).is_file()


def _settle(
    request: BaseRequest,
    terraform: Terraform,
    schemas: prior_state.Schemas,
    synth_dir: Path,
    stacks: list[str],
    states: Path,
    note: Note,
    cache: ContentCache | None,
) -> int:
    """Plan, make states, plan again against them until nothing changes. Returns the passes."""
    pending = list(stacks)
    for number in range(1, MAX_PASSES + 1):
        plans = plan_stacks(
            synth_dir,
            request.work_dir / "plans",
            request.build_dir,
            pending,
            workers=request.workers,
            state_dir=states,
            terraform=terraform,
        )
        failed = [plan for plan in plans if not plan.ok]
        if failed:
            details = "\n\n".join(f"stack {plan.name}: {plan.error}" for plan in failed)
            raise ToolError(f"the base {request.ref} does not plan offline:\n{details}")
        unsettled = []
        for plan in plans:
            assert plan.plan_json is not None
            data = json.loads(plan.plan_json.read_text(encoding="utf-8"))
            state_file = states / f"{plan.name}.tfstate"
            if state_file.is_file() and prior_state.settled(data):
                if cache is not None:
                    store_plan(cache, plan.directory, plan.plan_json)
                continue
            previous = json.loads(state_file.read_text(encoding="utf-8")) if state_file.is_file() else None
            state = prior_state.state_from_plan(
                data,
                schemas,
                stack=plan.name,
                previous=previous,
                config=_config(synth_dir, plan.name),
            )
            state_file.write_text(json.dumps(state, indent=1, sort_keys=True), encoding="utf-8")
            unsettled.append(plan.name)
        note(f"base pass {number}: {len(plans) - len(unsettled)} of {len(plans)} stack(s) settled")
        if not unsettled:
            return number
        pending = unsettled
    raise ToolError(
        f"the base {request.ref}'s state did not settle after {MAX_PASSES} offline plans "
        f"(stacks: {', '.join(pending)}): a computed value keeps changing; plan those stacks by hand"
    )


def config_digest(synthesized: dict[str, Any]) -> str:
    """A stack's synthesized config, hashed as data (key order and layout do not count): equal
    for the base and the head when the change leaves the stack alone, wherever each checkout
    sits (a local backend's state path is relative to it; its file name still counts)."""
    comparable = dict(synthesized)
    terraform = dict(comparable.get("terraform") or {})
    local = (terraform.get("backend") or {}).get("local")
    if isinstance(local, dict) and isinstance(local.get("path"), str):
        terraform["backend"] = {**terraform["backend"], "local": {**local, "path": Path(local["path"]).name}}
        comparable["terraform"] = terraform
    canonical = json.dumps(comparable, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _config(synth_dir: Path, stack: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((synth_dir / "stacks" / stack / "cdk.tf.json").read_text("utf-8"))
    return data


def _load(entry: Path, ref: str, commit: str, *, reused: bool = True) -> BaseSide:
    manifest = json.loads((entry / MANIFEST).read_text(encoding="utf-8"))
    return BaseSide(
        ref=ref,
        commit=commit,
        states=entry / "states",
        stacks=tuple(manifest["stacks"]),
        protected={name: list(addresses) for name, addresses in manifest["protected"].items()},
        digests={name: str(digest) for name, digest in manifest.get("digests", {}).items()},
        reused=reused,
        passes=int(manifest["passes"]),
        note=str(manifest.get("note", "")),
    )


def _touch(entry: Path) -> None:
    os.utime(entry)


def prune_bases(cache_dir: Path) -> None:
    """Keep the newest KEEP_BASES base entries under `cache_dir`: bases of older merges are not
    asked for again. The review (modules/review/pipeline.py) decides when: after a new entry."""
    folder = cache_dir / "base"
    for path in folder.glob(".staging-*"):  # left by a review that was killed while it ran
        shutil.rmtree(path, ignore_errors=True)
    entries = sorted(
        (path for path in folder.iterdir() if path.is_dir() and not path.name.startswith(".")),
        key=lambda path: path.stat().st_mtime,
        reverse=True,
    )
    for stale in entries[KEEP_BASES:]:
        shutil.rmtree(stale, ignore_errors=True)
