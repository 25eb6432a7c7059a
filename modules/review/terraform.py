"""Run Terraform offline: a CLI config for the provider mirror, an offline copy of each stack, and
`init` / `plan` / `show -json` per stack in parallel, sharing one plugin cache.

Offline planning needs a provider that never calls AWS: dummy credentials, the skip flags, no
assume-role (the provider would call STS) and a local backend. Those changes are made to a copy
of the synthesized JSON in the plan folder; the synthesized stack itself keeps the real settings,
and the review's own checks read both.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROVIDER = "registry.terraform.io/hashicorp/aws"
PROVIDER_VERSION = "5.100.0"
MIRROR_ENV = "LZ_PROVIDER_MIRROR"
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
    directory: Path
    plan_json: Path | None
    error: str | None
    seconds: float

    @property
    def ok(self) -> bool:
        return self.error is None and self.plan_json is not None


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
        if (root / PROVIDER / PROVIDER_VERSION).is_dir():
            return root
    where = f"${MIRROR_ENV}={configured}" if configured else ", ".join(DEFAULT_MIRRORS)
    raise ToolError(
        f"provider {PROVIDER} {PROVIDER_VERSION} not found in a filesystem mirror "
        f"(looked in {where}; set {MIRROR_ENV} to the folder that contains "
        "registry.terraform.io/)"
    )


def write_cli_config(build_dir: Path, mirror: Path) -> Path:
    """A Terraform CLI config that installs the AWS provider from the mirror only, never online."""
    build_dir.mkdir(parents=True, exist_ok=True)
    cache = build_dir / "plugin-cache"
    cache.mkdir(exist_ok=True)
    config = build_dir / "terraform.tfrc"
    config.write_text(
        f'plugin_cache_dir = "{cache.resolve()}"\n'
        "plugin_cache_may_break_dependency_lock_file = true\n"
        "provider_installation {\n"
        f'  filesystem_mirror {{\n    path    = "{mirror.resolve()}"\n'
        f'    include = ["{PROVIDER}"]\n  }}\n'
        f'  direct {{\n    exclude = ["{PROVIDER}"]\n  }}\n'
        "}\n",
        encoding="utf-8",
    )
    return config


def offline_copy(synthesized: dict[str, Any]) -> dict[str, Any]:
    """The stack as Terraform can plan it here: same resources, provider and backend made offline."""
    offline = copy.deepcopy(synthesized)
    for provider in offline.get("provider", {}).get("aws", []):
        provider.pop("assume_role", None)
        provider.pop("allowed_account_ids", None)  # unknowable without calling STS
        provider.update(OFFLINE_PROVIDER_SETTINGS)
    offline.setdefault("terraform", {})["backend"] = {"local": {"path": "terraform.tfstate"}}
    return offline


def prepare_plan_dir(stack_dir: Path, plan_root: Path, *, state_dir: Path | None = None) -> Path:
    """Copy a synthesized stack (with its assets) into `plan_root/<stack>` and make it offline.

    With `state_dir`, the stack's recorded state (`<stack>.tfstate`) is copied in read-only: with
    `-refresh=false` the plan then shows real updates, replacements and destroys without calling
    AWS. Without it every resource is a create. State is never picked up implicitly: the verdict
    must not depend on a stray local file.
    """
    target = plan_root / stack_dir.name
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(stack_dir, target, ignore=shutil.ignore_patterns(".terraform", "*.tfstate*"))
    config_path = target / "cdk.tf.json"
    synthesized = json.loads(config_path.read_text(encoding="utf-8"))
    config_path.write_text(json.dumps(offline_copy(synthesized), indent=2), encoding="utf-8")
    state = state_dir / f"{stack_dir.name}.tfstate" if state_dir else None
    if state is not None and state.is_file():
        shutil.copyfile(state, target / "terraform.tfstate")
    return target


class Terraform:
    """Terraform commands with the project's CLI config; output captured, failures explained."""

    def __init__(self, cli_config: Path, *, timeout: float = 900) -> None:
        self.binary = terraform_binary()
        self.timeout = timeout
        self.env = {
            **os.environ,
            "TF_CLI_CONFIG_FILE": str(cli_config.resolve()),
            "TF_IN_AUTOMATION": "1",
            "TF_INPUT": "0",
            "CHECKPOINT_DISABLE": "1",
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
        started = time.monotonic()
        steps = (
            ("init", "-input=false", "-no-color"),
            ("plan", "-input=false", "-no-color", "-lock=false", "-refresh=false", "-out=tfplan"),
        )
        for step in steps:
            result = self.run(directory, *step)
            if result.returncode != 0:
                return StackPlan(
                    directory.name,
                    directory,
                    None,
                    f"terraform {step[0]} failed:\n{_tail(result)}",
                    time.monotonic() - started,
                )
        shown = self.run(directory, "show", "-json", "tfplan")
        if shown.returncode != 0:
            return StackPlan(
                directory.name,
                directory,
                None,
                f"terraform show failed:\n{_tail(shown)}",
                time.monotonic() - started,
            )
        plan_json = directory / "plan.json"
        plan_json.write_text(shown.stdout, encoding="utf-8")
        return StackPlan(directory.name, directory, plan_json, None, time.monotonic() - started)

    def validate(self, directory: Path) -> str | None:
        """None when valid, else Terraform's explanation (needs `init` first)."""
        result = self.run(directory, "validate", "-no-color")
        return None if result.returncode == 0 else _tail(result)


def _tail(result: subprocess.CompletedProcess[str], lines: int = 40) -> str:
    """Terraform's errors are on stderr; stdout (a long plan diff) only when stderr is empty."""
    text = (result.stderr or "").strip() or (result.stdout or "").strip()
    return "\n".join(text.splitlines()[-lines:])


def prime_plugin_cache(terraform: Terraform, build_dir: Path) -> None:
    """Install the provider into the shared plugin cache once, so parallel inits only link it.

    Needs no synthesized stack: the review runs it while the bindings import and synthesize.
    """
    primer = build_dir / "primer"
    primer.mkdir(parents=True, exist_ok=True)
    config = {
        "terraform": {"required_providers": {"aws": {"source": "hashicorp/aws", "version": PROVIDER_VERSION}}}
    }
    (primer / "main.tf.json").write_text(json.dumps(config), encoding="utf-8")
    result = terraform.run(primer, "init", "-input=false", "-no-color", "-backend=false")
    if result.returncode != 0:
        raise ToolError(
            f"terraform cannot install {PROVIDER} {PROVIDER_VERSION} from the mirror:\n{_tail(result)}"
        )


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
) -> list[StackPlan]:
    """Offline plans of the named synthesized stacks, in parallel, sharing one plugin cache."""
    if terraform is None:
        terraform = Terraform(write_cli_config(build_dir, find_mirror()))
        prime_plugin_cache(terraform, build_dir)
    directories = [
        prepare_plan_dir(synth_dir / "stacks" / name, plan_root, state_dir=state_dir) for name in stacks
    ]

    def plan(directory: Path) -> StackPlan:
        result = terraform.plan(directory)
        if on_done is not None:
            on_done(result)
        return result

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        return list(pool.map(plan, directories))
