"""`lz validate` must stay fast and never load cdktf or the provider bindings."""

from __future__ import annotations

import subprocess
import sys

import pytest

from modules.config.schema import SCHEMAS, render_schema
from tests.support import ROOT, SAMPLE

FORBIDDEN = ("cdktf", "constructs", "cdktf_cdktf_provider_aws", "jsii")


def test_validate_imports_no_cdktf() -> None:
    probe = (
        "import sys; from modules.cli import main; code = main(['validate', '--dir', sys.argv[1]]);"
        f"loaded = [m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r}];"
        "print('LOADED', loaded); sys.exit(code)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, str(SAMPLE)], capture_output=True, text=True, check=False, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    assert "LOADED []" in result.stdout


def test_committed_schemas_are_current() -> None:
    for name, model in SCHEMAS.items():
        committed = (SAMPLE / "schema" / name).read_text()
        assert committed == render_schema(model), f"{name} is stale: run `lz schema`"


def test_sample_files_reference_their_schema() -> None:
    for path in SAMPLE.glob("*.yaml"):
        kind = "organization" if path.stem == "organization" else "environment"
        first_line = path.read_text().splitlines()[0]
        assert first_line == f"# yaml-language-server: $schema=schema/{kind}.schema.json"


def test_unexpected_errors_are_reported_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import modules.config
    from modules.cli import main

    def broken(*_: object, **__: object) -> None:
        raise OSError("disk on fire")

    monkeypatch.setattr(modules.config, "load_estate", broken)
    monkeypatch.delenv("LZ_DEBUG", raising=False)
    assert main(["validate", "--dir", str(SAMPLE)]) == 2
    stderr = capsys.readouterr().err
    assert "internal error: OSError: disk on fire" in stderr
    assert "Traceback" not in stderr
