"""The plugin cache is shared by every review on the machine: primed once, safely, and repaired."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from modules.review.terraform import (
    MIRROR_ENV,
    PLUGIN_CACHE_ENV,
    PROVIDER,
    PROVIDER_LOCK,
    PROVIDER_VERSION,
    Terraform,
    ToolError,
    find_mirror,
    plugin_cache_dir,
    prime_plugin_cache,
    provider_source,
    write_cli_config,
)

BINARY = f"terraform-provider-aws_v{PROVIDER_VERSION}_x5"


def test_the_shared_cache_is_chosen_by_env_var_else_the_users_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PLUGIN_CACHE_ENV, str(tmp_path / "chosen"))
    assert plugin_cache_dir() == tmp_path / "chosen"
    monkeypatch.delenv(PLUGIN_CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert plugin_cache_dir() == tmp_path / "xdg" / "lz" / "terraform-plugins"


def test_a_cache_that_cannot_be_created_falls_back_to_the_reviews_own(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder")
    config = write_cli_config(
        tmp_path / "build", tmp_path / "mirror", plugin_cache=tmp_path / "file" / "cache"
    )
    assert config.plugin_cache == tmp_path / "build" / "plugin-cache"
    assert f'plugin_cache_dir = "{config.plugin_cache.resolve()}"' in config.path.read_text()


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


def test_a_mirror_is_found_in_either_layout_terraform_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    unpacked, packed, empty = tmp_path / "unpacked", tmp_path / "packed", tmp_path / "empty"
    (unpacked / PROVIDER / PROVIDER_VERSION / "linux_amd64").mkdir(parents=True)
    (packed / PROVIDER).mkdir(parents=True)  # `terraform providers mirror` writes zips
    (packed / PROVIDER / f"terraform-provider-aws_{PROVIDER_VERSION}_linux_amd64.zip").write_bytes(b"PK")
    (empty / PROVIDER / "5.99.0").mkdir(parents=True)
    for mirror in (unpacked, packed):
        monkeypatch.setenv(MIRROR_ENV, str(mirror))
        assert find_mirror() == mirror
    monkeypatch.setenv(MIRROR_ENV, str(empty))
    with pytest.raises(ToolError, match=f"not found in a filesystem mirror.*{MIRROR_ENV}={empty}"):
        find_mirror()


def test_the_cli_config_uses_the_mirror_only_or_else_the_registry(tmp_path: Path) -> None:
    mirrored = write_cli_config(tmp_path / "a", tmp_path / "mirror", plugin_cache=tmp_path / "cache")
    text = mirrored.path.read_text()
    assert f'path    = "{(tmp_path / "mirror").resolve()}"' in text
    assert f'direct {{\n    exclude = ["{PROVIDER}"]' in text  # never online for the AWS provider
    online = write_cli_config(tmp_path / "b", None, plugin_cache=tmp_path / "cache").path.read_text()
    assert "filesystem_mirror" not in online
    assert "provider_installation {\n  direct {}\n}" in online
    assert f'plugin_cache_dir = "{(tmp_path / "cache").resolve()}"' in online


def test_no_mirror_means_the_registry_and_offline_the_error_names_both_ways_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(MIRROR_ENV, raising=False)
    monkeypatch.setattr("modules.review.terraform.DEFAULT_MIRRORS", (str(tmp_path / "nowhere"),))
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


def test_lz_tfrc_writes_the_config_the_cdktf_cli_is_pointed_at(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from modules.cli import main

    assert main(["tfrc", "--out", str(tmp_path)]) == 0
    path = Path(capsys.readouterr().out.strip())
    assert path == (tmp_path / "terraform.tfrc").resolve()
    assert f'path    = "{find_mirror().resolve()}"' in path.read_text()
