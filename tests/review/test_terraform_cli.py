"""The Terraform CLI as the review runs it: the provider mirror, the CLI config, `lz tfrc`."""

from __future__ import annotations

from pathlib import Path

import pytest

from modules.review.errors import ToolError
from modules.review.plugin_cache import PROVIDER, PROVIDER_VERSION
from modules.review.terraform_cli import MIRROR_ENV, find_mirror, write_cli_config


def test_a_cache_that_cannot_be_created_falls_back_to_the_reviews_own(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder")
    config = write_cli_config(
        tmp_path / "build", tmp_path / "mirror", plugin_cache=tmp_path / "file" / "cache"
    )
    assert config.plugin_cache == tmp_path / "build" / "plugin-cache"
    assert f'plugin_cache_dir = "{config.plugin_cache.resolve()}"' in config.path.read_text()


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


def test_lz_tfrc_writes_the_config_the_cdktf_cli_is_pointed_at(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from modules.cli import main

    assert main(["tfrc", "--out", str(tmp_path)]) == 0
    path = Path(capsys.readouterr().out.strip())
    assert path == (tmp_path / "terraform.tfrc").resolve()
    assert f'path    = "{find_mirror().resolve()}"' in path.read_text()
