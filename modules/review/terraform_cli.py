"""The Terraform CLI as the review runs it: the binary, the provider mirror, a CLI config for
both, and a runner whose output is captured and whose failures are explained.

With a filesystem mirror the AWS provider comes from it only, never online; without one, from the
registry, verified against the pinned hashes (modules/review/plugin_cache.py).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from modules.review.errors import ToolError
from modules.review.plugin_cache import PROVIDER, PROVIDER_VERSION, usable_plugin_cache

MIRROR_ENV = "LZ_PROVIDER_MIRROR"
# Where a mirror is looked for when LZ_PROVIDER_MIRROR is not set.
DEFAULT_MIRRORS = (
    "/opt/tf-plugins",
    "~/.terraform.d/plugins",
    "/usr/local/share/terraform/plugins",
    "/usr/share/terraform/plugins",
)


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
    cache = usable_plugin_cache(build_dir, plugin_cache)
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
                return "", f"terraform {step[0]} failed:\n{output_tail(result)}"
        return result.stdout, None

    def validate(self, directory: Path) -> str | None:
        """None when valid, else Terraform's explanation (needs `init` first)."""
        result = self.run(directory, "validate", "-no-color")
        return None if result.returncode == 0 else output_tail(result)

    def install_failure(self, result: subprocess.CompletedProcess[str]) -> str:
        """Why the provider could not be installed, and the ways out (the mirror or the registry)."""
        if self.mirror is not None:
            return (
                f"terraform cannot install {PROVIDER} {PROVIDER_VERSION} from the mirror {self.mirror} "
                f"(plugin cache {self.plugin_cache}):\n{output_tail(result)}"
            )
        return (
            f"terraform cannot install {PROVIDER} {PROVIDER_VERSION}: no filesystem mirror was found "
            f"(looked in {', '.join(DEFAULT_MIRRORS)}) and the registry install failed. Either let this "
            f"machine reach registry.terraform.io, or set {MIRROR_ENV} to a folder holding the provider "
            f"(`terraform providers mirror -platform=linux_amd64 DIR` on a machine that can reach the "
            f"registry).\n{output_tail(result)}"
        )


def output_tail(result: subprocess.CompletedProcess[str], lines: int = 40) -> str:
    """Terraform's errors are on stderr; stdout (a long plan diff) only when stderr is empty."""
    text = (result.stderr or "").strip() or (result.stdout or "").strip()
    return "\n".join(text.splitlines()[-lines:])
