"""Every bad config is reported exactly: `file:line:col field: message (expected ...)`, exit 2.

Each folder under `cases/` overlays the sample estate: `<file>.yaml` (or `.yml`) replaces that
file, `<file>.yaml.delete` removes it, `<file>.yaml.dir` puts a directory in its place,
`<file>.yaml.link` a symbolic link to the path the marker holds, and `<file>.yaml.py` the bytes
its `content()` returns (for inputs too large or too odd to commit as they are).
`expected.txt` holds the exact stderr lines of `lz validate`.
To add a case: make the folder, run `UPDATE_EXPECTED=1 uv run pytest tests/config/test_bad_cases.py`
and read the new expected.txt before committing it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from modules.cli import main
from tests.support import copy_sample

CASES = Path(__file__).parent / "cases"
CASE_NAMES = sorted(path.name for path in CASES.iterdir() if path.is_dir())


def overlay(case: Path, target: Path) -> Path:
    copy_sample(target)
    for path in sorted(case.iterdir()):
        name, marker = path.name.rsplit(".", 1)
        replaced = target / name
        if marker in ("delete", "dir", "link", "py"):
            replaced.unlink(missing_ok=True)
        if marker == "dir":
            replaced.mkdir()
        elif marker == "link":
            replaced.symlink_to(path.read_text().strip())
        elif marker == "py":
            namespace: dict[str, Any] = {}
            exec(compile(path.read_text(), str(path), "exec"), namespace)
            replaced.write_bytes(namespace["content"]())
        elif marker in ("yaml", "yml"):
            shutil.copy(path, target / path.name)
    return target


def test_there_are_enough_cases() -> None:
    assert len(CASE_NAMES) >= 126  # the corpus only grows


@pytest.mark.parametrize("name", CASE_NAMES)
def test_bad_case_is_reported_exactly(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    workdir = overlay(CASES / name, tmp_path / "environments")
    monkeypatch.chdir(workdir)
    assert main(["validate", "--dir", "."]) == 2
    stdout, stderr = capsys.readouterr()
    assert stdout == ""
    expected_file = CASES / name / "expected.txt"
    if os.environ.get("UPDATE_EXPECTED"):
        expected_file.write_text(stderr)
    assert stderr == expected_file.read_text()


def test_console_script_exits_2_without_traceback(tmp_path: Path) -> None:
    workdir = overlay(CASES / "several-errors-at-once", tmp_path / "environments")
    result = subprocess.run(
        [sys.executable, "-m", "modules.cli", "validate", "--dir", str(workdir)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "prod.yaml:" in result.stderr
