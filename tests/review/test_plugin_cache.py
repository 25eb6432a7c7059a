"""The plugin cache is shared by every review on the machine: primed once, safely, and repaired."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from modules.review.errors import ToolError
from modules.review.plugin_cache import (
    PLUGIN_CACHE_ENV,
    PROVIDER,
    PROVIDER_LOCK,
    PROVIDER_VERSION,
    plugin_cache_dir,
    prime_plugin_cache,
)
from modules.review.terraform_cli import MIRROR_ENV, Terraform, find_mirror, provider_source, write_cli_config

BINARY = f"terraform-provider-aws_v{PROVIDER_VERSION}_x5"


def test_the_shared_cache_is_chosen_by_env_var_else_the_users_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PLUGIN_CACHE_ENV, str(tmp_path / "chosen"))
    assert plugin_cache_dir() == tmp_path / "chosen"
    monkeypatch.delenv(PLUGIN_CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert plugin_cache_dir() == tmp_path / "xdg" / "lz" / "terraform-plugins"


def _binary(cache: Path) -> Path:
    (platform,) = (cache / PROVIDER / PROVIDER_VERSION).iterdir()
    return platform / BINARY


def _mirror_binary() -> Path:
    (platform,) = (find_mirror() / PROVIDER / PROVIDER_VERSION).iterdir()
    return platform / BINARY


@pytest.mark.terraform
def test_reviews_priming_at_once_share_one_complete_install(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    reviews = [
        Terraform(write_cli_config(tmp_path / f"review-{n}", find_mirror(), plugin_cache=cache))
        for n in (1, 2)
    ]
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda n: prime_plugin_cache(reviews[n], tmp_path / f"review-{n + 1}"), (0, 1)))
    assert _binary(cache).stat().st_size == _mirror_binary().stat().st_size
    for n in (1, 2):  # each review's primer links the one cached install
        (linked,) = (tmp_path / f"review-{n}" / "primer" / ".terraform" / "providers" / PROVIDER).glob("*/*")
        assert linked.resolve() == _binary(cache).parent.resolve()


@pytest.mark.terraform
def test_an_install_cut_short_is_redone_and_a_complete_one_is_kept(tmp_path: Path) -> None:
    cache, build = tmp_path / "cache", tmp_path / "build"
    terraform = Terraform(write_cli_config(build, find_mirror(), plugin_cache=cache))
    platform = _mirror_binary().parent.name
    cut_short = cache / PROVIDER / PROVIDER_VERSION / platform / BINARY
    cut_short.parent.mkdir(parents=True)
    cut_short.write_bytes(b"\x7fELF half of a provider")  # a primer killed while copying

    prime_plugin_cache(terraform, build)
    installed = _binary(cache).stat()
    assert installed.st_size == _mirror_binary().stat().st_size

    prime_plugin_cache(terraform, build)  # a later review: the install is whole, nothing is copied
    assert _binary(cache).stat().st_ino == installed.st_ino


def test_no_mirror_means_the_registry_and_offline_the_error_names_both_ways_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(MIRROR_ENV, raising=False)
    monkeypatch.setattr("modules.review.terraform_cli.DEFAULT_MIRRORS", (str(tmp_path / "nowhere"),))
    assert provider_source() is None
    monkeypatch.setenv(MIRROR_ENV, str(tmp_path / "nowhere"))  # an explicit mirror must exist
    with pytest.raises(ToolError, match="not found in a filesystem mirror"):
        provider_source()
    monkeypatch.delenv(MIRROR_ENV)
    # Whatever this machine can reach, the registry is unreachable through a closed proxy port.
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    terraform = Terraform(write_cli_config(tmp_path / "build", None, plugin_cache=tmp_path / "cache"))
    with pytest.raises(ToolError) as raised:
        prime_plugin_cache(terraform, tmp_path / "build")
    message = str(raised.value)
    assert "no filesystem mirror was found" in message
    assert "registry.terraform.io" in message and MIRROR_ENV in message


def test_the_pinned_lock_file_verifies_the_mirrors_package(tmp_path: Path) -> None:
    """The primer installs against providers.lock.hcl: a package whose hash is not in it fails."""
    terraform = Terraform(write_cli_config(tmp_path / "build", find_mirror(), plugin_cache=tmp_path / "c"))
    prime_plugin_cache(terraform, tmp_path / "build")
    lock = (tmp_path / "build" / "primer" / ".terraform.lock.hcl").read_text()
    pinned = set(re.findall(r'"((?:h1|zh):[^"]+)"', PROVIDER_LOCK.read_text()))
    assert len(pinned) == 16 and pinned <= set(re.findall(r'"((?:h1|zh):[^"]+)"', lock))
