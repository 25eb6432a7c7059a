"""Run Terraform offline: a CLI config for the provider mirror, an offline copy of each stack, and
`init` / `plan` / `show -json` in parallel runs, sharing one plugin cache. A run plans a few stacks
together as child modules (modules/review/batch.py) and hands each stack its own plan JSON.

The plugin cache is a user-level folder shared by every review on the machine (like uv's cache for
checkov): the ~700 MB provider is copied into it once per machine, not once per `--out` folder.
Terraform's cache is not safe for concurrent writers, so only the primer writes to it, under a
file lock; stack inits find the provider there and only link it.

Offline planning needs a provider that never calls AWS: dummy credentials, the skip flags, no
assume-role (the provider would call STS) and a local backend. Those changes are made to a copy
of the synthesized JSON in the plan folder; the synthesized stack itself keeps the real settings,
and the review's own checks read both.
"""

from __future__ import annotations

import copy
import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from modules.review import batch, prior_state
from modules.review.plan_cache import PlanCache

PROVIDER = "registry.terraform.io/hashicorp/aws"
PROVIDER_VERSION = "5.100.0"
MIRROR_ENV = "LZ_PROVIDER_MIRROR"
PLUGIN_CACHE_ENV = "LZ_PLUGIN_CACHE"
PROVIDER_LOCK = Path(__file__).with_name("providers.lock.hcl")
LOCK_FILE = ".lz-lock"
# Where a mirror is looked for when LZ_PROVIDER_MIRROR is not set.
DEFAULT_MIRRORS = (
    "/opt/tf-plugins",
    "~/.terraform.d/plugins",
    "/usr/local/share/terraform/plugins",
    "/usr/share/terraform/plugins",
)
OFFLINE_PROVIDER_SETTINGS = {
    "access_key": "offline-plan",
    "secret_key": "offline-plan",
    "skip_credentials_validation": True,
    "skip_requesting_account_id": True,
    "skip_metadata_api_check": True,
    "skip_region_validation": True,
}


class ToolError(Exception):
    """Terraform or the provider is missing or failed in a way that is not the config's fault."""


@dataclass(frozen=True)
class StackPlan:
    name: str
    directory: Path  # the stack's offline copy; its plan.json is written here
    plan_json: Path | None
    error: str | None
    seconds: float
    run_dir: Path | None = None  # where Terraform ran, when the stack was planned with others
    planned_with: tuple[str, ...] = ()
    reused: bool = False  # taken from the plan cache: its inputs did not change

    @property
    def ok(self) -> bool:
        return self.error is None and self.plan_json is not None

    @property
    def terraform_dir(self) -> Path:
        return self.run_dir or self.directory


def terraform_binary() -> str:
    binary = shutil.which("terraform")
    if binary is None:
        raise ToolError(
            "terraform not found on PATH (expected Terraform >= 1.10; install it from "
            "your package manager, then rerun)"
        )
    return binary


def find_mirror() -> Path:
    """The filesystem mirror holding hashicorp/aws 5.100.0: $LZ_PROVIDER_MIRROR or a known place."""
    configured = os.environ.get(MIRROR_ENV)
    candidates = [configured] if configured else list(DEFAULT_MIRRORS)
    for candidate in candidates:
        root = Path(candidate).expanduser()
        unpacked = (root / PROVIDER / PROVIDER_VERSION).is_dir()
        # `terraform providers mirror` writes the packed layout: one zip per version and platform.
        packed = any((root / PROVIDER).glob(f"terraform-provider-aws_{PROVIDER_VERSION}_*.zip"))
        if unpacked or packed:
            return root
    where = f"${MIRROR_ENV}={configured}" if configured else ", ".join(DEFAULT_MIRRORS)
    raise ToolError(
        f"provider {PROVIDER} {PROVIDER_VERSION} not found in a filesystem mirror "
        f"(looked in {where}; set {MIRROR_ENV} to the folder that contains "
        "registry.terraform.io/)"
    )


def provider_source() -> Path | None:
    """The filesystem mirror, or None to install from the registry (a machine that reaches it).

    An explicit $LZ_PROVIDER_MIRROR that holds no provider is an error, not a silent fallback.
    """
    if os.environ.get(MIRROR_ENV):
        return find_mirror()
    try:
        return find_mirror()
    except ToolError:
        return None


def plugin_cache_dir() -> Path:
    """$LZ_PLUGIN_CACHE, else the user's cache folder (XDG): shared by every review here."""
    configured = os.environ.get(PLUGIN_CACHE_ENV)
    if configured:
        return Path(configured).expanduser()
    cache_home = os.environ.get("XDG_CACHE_HOME") or "~/.cache"
    return Path(cache_home).expanduser() / "lz" / "terraform-plugins"


@dataclass(frozen=True)
class CliConfig:
    path: Path  # the file TF_CLI_CONFIG_FILE points at
    plugin_cache: Path
    mirror: Path | None = None  # None: the provider comes from the registry


def write_cli_config(build_dir: Path, mirror: Path | None, plugin_cache: Path | None = None) -> CliConfig:
    """A Terraform CLI config: with a mirror, the AWS provider comes from it only, never online;
    without one (None), from the registry the normal way, verified against the pinned hashes
    (providers.lock.hcl) by the primer, into the plugin cache.

    The plugin cache is `plugin_cache`, else the shared one; a review's own folder when the shared
    one cannot be created (a read-only home).
    """
    build_dir.mkdir(parents=True, exist_ok=True)
    cache = plugin_cache or plugin_cache_dir()
    try:
        cache.mkdir(parents=True, exist_ok=True)
        (cache / LOCK_FILE).touch()  # proves it writable: the primer locks and writes here
    except OSError:
        cache = build_dir / "plugin-cache"
        cache.mkdir(exist_ok=True)
    config = build_dir / "terraform.tfrc"
    installation = (
        f'  filesystem_mirror {{\n    path    = "{mirror.resolve()}"\n'
        f'    include = ["{PROVIDER}"]\n  }}\n'
        f'  direct {{\n    exclude = ["{PROVIDER}"]\n  }}\n'
        if mirror is not None
        else "  direct {}\n"
    )
    config.write_text(
        f'plugin_cache_dir = "{cache.resolve()}"\n'
        "plugin_cache_may_break_dependency_lock_file = true\n"
        f"provider_installation {{\n{installation}}}\n",
        encoding="utf-8",
    )
    return CliConfig(config, cache, mirror)


def offline_copy(synthesized: dict[str, Any], *, state: dict[str, Any] | None = None) -> dict[str, Any]:
    """The stack as Terraform can plan it here: same resources, provider and backend made offline.

    `prevent_destroy` is dropped: with it, Terraform stops at the first destroy of such a resource
    with an error and no plan. Without it the plan shows every destroy, and change safety fails
    the review for each resource that carries it in the synthesized stack (`protected_addresses`).
    With `state`, a provider the state's resources were made with but the stack no longer has (a
    removed region) is added back, offline, so Terraform plans their destroy instead of failing;
    change safety names them (`missing_providers`).
    """
    offline = copy.deepcopy(synthesized)
    providers = offline.setdefault("provider", {}).setdefault("aws", [])
    for provider in providers:
        provider.pop("assume_role", None)
        provider.pop("allowed_account_ids", None)  # unknowable without calling STS
        provider.update(OFFLINE_PROVIDER_SETTINGS)
    for alias in missing_providers(synthesized, state or {}):
        region = alias if REGION_ALIAS.match(alias) else providers[0].get("region", "us-east-1")
        providers.append({"alias": alias, "region": region, **OFFLINE_PROVIDER_SETTINGS})
    drop_prevent_destroy(offline)
    offline.setdefault("terraform", {})["backend"] = {"local": {"path": "terraform.tfstate"}}
    # An import reads the real resource from AWS: offline it plans as a create, which
    # change_safety.plan_changes reports as "import" (the synthesized import blocks say which).
    offline.pop("import", None)
    return offline


def drop_prevent_destroy(config: dict[str, Any]) -> None:
    """Remove `prevent_destroy` from every resource of a stack meant for planning only."""
    for named in config.get("resource", {}).values():
        for body in named.values():
            lifecycle = body.get("lifecycle")
            if isinstance(lifecycle, dict):
                lifecycle.pop("prevent_destroy", None)
                if not lifecycle:
                    body.pop("lifecycle")


REGION_ALIAS = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$")


def protected_addresses(synthesized: dict[str, Any]) -> list[str]:
    """Resources the synthesized stack marks `prevent_destroy`."""
    return sorted(
        f"{kind}.{name}"
        for kind, named in synthesized.get("resource", {}).items()
        for name, body in named.items()
        if (body.get("lifecycle") or {}).get("prevent_destroy") is True
    )


def missing_providers(synthesized: dict[str, Any], state: dict[str, Any]) -> list[str]:
    """Aliases of AWS providers the state's resources need but the stack no longer configures."""
    configured = {
        f"aws.{provider['alias']}" if provider.get("alias") else "aws"
        for provider in synthesized.get("provider", {}).get("aws", [])
    }
    needed = prior_state.state_providers(state)
    return sorted(key.split(".", 1)[1] for key in needed - configured if "." in key)


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


class Terraform:
    """Terraform commands with the project's CLI config; output captured, failures explained."""

    def __init__(self, cli_config: CliConfig, *, timeout: float = 900) -> None:
        self.binary = terraform_binary()
        self.timeout = timeout
        self.plugin_cache = cli_config.plugin_cache
        self.mirror = cli_config.mirror
        self.env = {
            **os.environ,
            "TF_CLI_CONFIG_FILE": str(cli_config.path.resolve()),
            "TF_IN_AUTOMATION": "1",
            "TF_INPUT": "0",
            "CHECKPOINT_DISABLE": "1",
            # Terraform and each provider process collect garbage half as often as Go's default:
            # ~14% less CPU for ~8% more memory (docs/review.md, Performance). $GOGC overrides it.
            "GOGC": os.environ.get("GOGC", "200"),
        }

    def run(self, directory: Path, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [self.binary, *args],
            cwd=directory,
            env=self.env,
            text=True,
            capture_output=True,
            timeout=self.timeout,
            check=False,
        )

    def plan(self, directory: Path) -> StackPlan:
        """Plan the configuration in `directory` alone; its plan JSON goes to `plan.json` there."""
        started = time.monotonic()
        shown, error = self.show_plan(directory)
        if error is not None:
            return StackPlan(directory.name, directory, None, error, time.monotonic() - started)
        plan_json = directory / "plan.json"
        plan_json.write_text(shown, encoding="utf-8")
        return StackPlan(directory.name, directory, plan_json, None, time.monotonic() - started)

    def show_plan(self, directory: Path, *, refresh: bool = False) -> tuple[str, str | None]:
        """`init`, `plan` and `show -json`: (plan JSON text, None) or ("", what failed).

        Offline plans never refresh (nothing to ask); live ones do (modules/review/live.py).
        Neither takes the state lock: a plan writes no state.
        """
        refreshed = f"-refresh={'true' if refresh else 'false'}"
        steps = (
            ("init", "-input=false", "-no-color"),
            ("plan", "-input=false", "-no-color", "-lock=false", refreshed, "-out=tfplan"),
            ("show", "-json", "tfplan"),
        )
        for step in steps:
            result = self.run(directory, *step)
            if result.returncode != 0:
                return "", f"terraform {step[0]} failed:\n{_tail(result)}"
        return result.stdout, None

    def validate(self, directory: Path) -> str | None:
        """None when valid, else Terraform's explanation (needs `init` first)."""
        result = self.run(directory, "validate", "-no-color")
        return None if result.returncode == 0 else _tail(result)


def _tail(result: subprocess.CompletedProcess[str], lines: int = 40) -> str:
    """Terraform's errors are on stderr; stdout (a long plan diff) only when stderr is empty."""
    text = (result.stderr or "").strip() or (result.stdout or "").strip()
    return "\n".join(text.splitlines()[-lines:])


def prime_plugin_cache(terraform: Terraform, build_dir: Path) -> None:
    """Install the provider into the plugin cache once, so parallel inits only link it.

    Needs no synthesized stack: the review runs it while the bindings import and synthesize. Holds
    the cache's lock while it may write; a marker written after a complete install tells a later
    primer the cache entry is whole (an install killed half-way is removed and done again).
    """
    primer = build_dir / "primer"
    primer.mkdir(parents=True, exist_ok=True)
    config = {
        "terraform": {"required_providers": {"aws": {"source": "hashicorp/aws", "version": PROVIDER_VERSION}}}
    }
    (primer / "main.tf.json").write_text(json.dumps(config), encoding="utf-8")
    shutil.copyfile(PROVIDER_LOCK, primer / ".terraform.lock.hcl")  # verify what is installed
    cache = terraform.plugin_cache
    entry = cache / PROVIDER / PROVIDER_VERSION
    marker = cache / f".lz-complete-{PROVIDER.replace('/', '_')}-{PROVIDER_VERSION}"
    with _locked(cache / LOCK_FILE):
        if not marker.is_file():
            shutil.rmtree(entry, ignore_errors=True)
        result = terraform.run(primer, "init", "-input=false", "-no-color", "-backend=false")
        if result.returncode != 0:
            raise ToolError(_install_failed(terraform, cache, result))
        marker.touch()


def _install_failed(terraform: Terraform, cache: Path, result: subprocess.CompletedProcess[str]) -> str:
    if terraform.mirror is not None:
        return (
            f"terraform cannot install {PROVIDER} {PROVIDER_VERSION} from the mirror {terraform.mirror} "
            f"(plugin cache {cache}):\n{_tail(result)}"
        )
    return (
        f"terraform cannot install {PROVIDER} {PROVIDER_VERSION}: no filesystem mirror was found "
        f"(looked in {', '.join(DEFAULT_MIRRORS)}) and the registry install failed. Either let this "
        f"machine reach registry.terraform.io, or set {MIRROR_ENV} to a folder holding the provider "
        f"(`terraform providers mirror -platform=linux_amd64 DIR` on a machine that can reach the "
        f"registry).\n{_tail(result)}"
    )


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock between processes (released by the OS if the holder dies)."""
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


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
    cache: PlanCache | None = None,
) -> list[StackPlan]:
    """Offline plans of the named synthesized stacks: a few stacks per Terraform run, runs in
    parallel, one plugin cache; with `cache`, stacks whose inputs did not change are not planned
    again. Returned in the order of `stacks`."""
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
                cache.store(result.directory, result.plan_json)
            if on_done is not None:
                on_done(result)
        return results

    # Biggest runs first, so the last one to finish is a small one.
    order = sorted(range(len(runs)), key=lambda index: -len(runs[index]))
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        planned = {result.name: result for results in pool.map(plan, order) for result in results}
    if cache is not None:
        cache.keep_only_used()
    planned.update(reused)
    return [planned[name] for name in names]


def _reuse(cache: PlanCache | None, directories: dict[str, Path]) -> dict[str, StackPlan]:
    reused = {}
    for name, directory in directories.items():
        plan_json = cache.restore(directory) if cache is not None else None
        if plan_json is not None:
            reused[name] = StackPlan(name, directory, plan_json, None, 0.0, reused=True)
    return reused


def tool_identity(terraform: Terraform, build_dir: Path) -> str:
    """Terraform's version and the provider package hashes: what a cached plan was made with.

    Needs `prime_plugin_cache` first (its lock file records the provider's hashes).
    """
    version = terraform.run(build_dir, "version", "-json")
    if version.returncode != 0:
        raise ToolError(f"terraform version failed:\n{_tail(version)}")
    reported = json.loads(version.stdout)
    lock = (build_dir / "primer" / ".terraform.lock.hcl").read_text(encoding="utf-8")
    return f"terraform {reported.get('terraform_version')} {reported.get('platform')}\n{lock}"


def plan_runs(directories: dict[str, Path]) -> list[list[str]]:
    """Which stacks share a Terraform run: batchable ones packed by provider count, others alone."""
    together: list[tuple[str, int]] = []
    alone: list[list[str]] = []
    for name, directory in directories.items():
        config = _read_config(directory)
        if batch.batchable(name, config):
            together.append((name, batch.provider_count(config)))
        else:
            alone.append([name])
    return [*batch.group(together), *alone]


def plan_together(terraform: Terraform, run_dir: Path, members: dict[str, Path]) -> list[StackPlan]:
    """One Terraform run for `members` (stack -> offline copy), one plan JSON per stack.

    If the run fails, each stack is planned alone, so an error names the stack that caused it.
    """
    started = time.monotonic()
    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir(parents=True)
    batch.write_root(run_dir, {name: _read_config(directory) for name, directory in members.items()})
    states = {
        name: json.loads((directory / "terraform.tfstate").read_text(encoding="utf-8"))
        for name, directory in members.items()
        if (directory / "terraform.tfstate").is_file()
    }
    if states:
        (run_dir / "terraform.tfstate").write_text(json.dumps(batch.merge_states(states)), encoding="utf-8")
    shown, error = terraform.show_plan(run_dir)
    if error is not None:
        return [terraform.plan(directory) for directory in members.values()]
    combined = json.loads(shown)
    seconds = time.monotonic() - started
    results = []
    for name, directory in members.items():
        plan_json = directory / "plan.json"
        plan_json.write_text(json.dumps(batch.split_plan(combined, name)), encoding="utf-8")
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
        raise ToolError(f"terraform providers schema failed:\n{_tail(result)}")
    schemas = json.loads(result.stdout)["provider_schemas"][PROVIDER]["resource_schemas"]
    cache_dir.mkdir(parents=True, exist_ok=True)
    staging = target.with_suffix(".tmp")
    staging.write_text(json.dumps({"resource_schemas": schemas}), encoding="utf-8")
    staging.replace(target)
    return target
