"""The pinned AWS provider and the shared plugin cache that holds it, primed once under a lock.

The plugin cache is a user-level folder shared by every review on the machine (like uv's cache for
checkov): the ~700 MB provider is copied into it once per machine, not once per `--out` folder.
Terraform's cache is not safe for concurrent writers, so only the primer writes to it, under a
file lock; stack inits find the provider there and only link it.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from modules.review.errors import ToolError

if TYPE_CHECKING:
    from modules.review.terraform_cli import Terraform

PROVIDER = "registry.terraform.io/hashicorp/aws"
PROVIDER_VERSION = "5.100.0"
PROVIDER_LOCK = Path(__file__).with_name("providers.lock.hcl")
PLUGIN_CACHE_ENV = "LZ_PLUGIN_CACHE"
LOCK_FILE = ".lz-lock"


def plugin_cache_dir() -> Path:
    """$LZ_PLUGIN_CACHE, else the user's cache folder (XDG): shared by every review here."""
    configured = os.environ.get(PLUGIN_CACHE_ENV)
    if configured:
        return Path(configured).expanduser()
    cache_home = os.environ.get("XDG_CACHE_HOME") or "~/.cache"
    return Path(cache_home).expanduser() / "lz" / "terraform-plugins"


def usable_plugin_cache(build_dir: Path, preferred: Path | None = None) -> Path:
    """`preferred`, else the shared cache; a review's own folder when that cannot be created (a
    read-only home)."""
    cache = preferred or plugin_cache_dir()
    try:
        cache.mkdir(parents=True, exist_ok=True)
        (cache / LOCK_FILE).touch()  # proves it writable: the primer locks and writes here
    except OSError:
        cache = build_dir / "plugin-cache"
        cache.mkdir(exist_ok=True)
    return cache


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
            raise ToolError(terraform.install_failure(result))
        marker.touch()


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock between processes (released by the OS if the holder dies)."""
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
