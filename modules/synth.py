"""Atomic synthesis: build into a fresh sibling folder, then swap it in.

A failed run leaves the previous output untouched; readers never see half an output folder.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from modules.config.models import Estate
from modules.config.topology import ROLE_STACKS


def selected_stacks(estate: Estate, only_env: str | None) -> list[str] | None:
    """`--env prod` synthesizes the role stacks and prod; no flag synthesizes everything."""
    return None if only_env is None else [*ROLE_STACKS, only_env]


def synthesize(
    estate: Estate, out: Path, *, only_env: str | None = None, emulator_endpoint: str | None = None
) -> list[str]:
    from modules.stacks.app import build_app  # the only cdktf import on this path

    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        # Stacks compute relative paths (local state) against the final folder, not the staging one.
        app = build_app(
            estate,
            staging,
            final_outdir=out,
            only=selected_stacks(estate, only_env),
            emulator_endpoint=emulator_endpoint,
        )
        app.synth()
        _swap(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return sorted(path.name for path in (out / "stacks").iterdir())


def _swap(staging: Path, out: Path) -> None:
    backup = out.with_name(f".{out.name}.old")
    shutil.rmtree(backup, ignore_errors=True)
    if out.exists():
        out.rename(backup)
    staging.rename(out)
    shutil.rmtree(backup, ignore_errors=True)
