"""Exit codes are defined once (modules/review/errors.py) and mean the same for every command."""

from __future__ import annotations

import re

from modules.review import errors
from tests.support import ROOT

DEFINITION = re.compile(r"^\s*EXIT_[A-Z_]+(\s*,\s*EXIT_[A-Z_]+)*\s*=", re.MULTILINE)


def test_exit_codes_are_defined_in_one_module_only() -> None:
    defining = sorted(
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "modules").rglob("*.py")
        if DEFINITION.search(path.read_text(encoding="utf-8"))
    )
    assert defining == ["modules/review/errors.py"]
    assert (errors.EXIT_OK, errors.EXIT_FINDINGS, errors.EXIT_BAD_INPUT) == (0, 1, 2)
