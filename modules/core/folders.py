"""Output folders replaced whole: readers see the old folder or the new one, never half of one."""

from __future__ import annotations

import shutil
from pathlib import Path


def swap_in(staging: Path, out: Path) -> None:
    """`staging` (a sibling of `out`, complete) becomes `out`; the previous `out` goes."""
    backup = out.with_name(f".{out.name}.old")
    shutil.rmtree(backup, ignore_errors=True)
    if out.exists():
        out.rename(backup)
    staging.rename(out)
    shutil.rmtree(backup, ignore_errors=True)
