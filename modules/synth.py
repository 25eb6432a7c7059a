"""Atomic synthesis: build into a fresh sibling folder, then swap it in.

A failed run leaves the previous output untouched; readers never see half an output folder.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from modules.config.models import Estate
from modules.config.topology import selected_stacks
from modules.core.folders import swap_in


def synthesize(
    estate: Estate,
    out: Path,
    *,
    only_env: str | None = None,
    stacks: list[str] | None = None,
    emulator_endpoint: str | None = None,
    state_dir: Path | None = None,
) -> list[str]:
    """Every selected stack into `out`; with `emulator_endpoint`, rewritten for the emulator target.

    `stacks`: exactly these (default: those `only_env` selects). `state_dir`: where the emulator
    target keeps local state (default: the project's `state/`).
    """
    from modules.stacks.app import build_app  # the only cdktf import on this path
    from modules.targets import emulator

    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        # Stacks compute relative paths (local state) against the final folder, not the staging one.
        app = build_app(
            estate,
            staging,
            final_outdir=out,
            only=stacks if stacks is not None else selected_stacks(estate, only_env),
        )
        app.synth()
        if emulator_endpoint is not None:  # a target is a transform of the synthesized output
            emulator.retarget_output(
                staging, endpoint=emulator_endpoint, state_dir=state_dir, final_outdir=out
            )
        swap_in(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return sorted(path.name for path in (out / "stacks").iterdir())


class SynthesisError(Exception):
    """The synthesizing child process failed; the message carries what it printed."""


def synthesize_in_child(
    config_dir: Path,
    out: Path,
    *,
    only_env: str | None = None,
    stacks: list[str] | None = None,
    code: Path | None = None,
    emulator: str | None = None,
) -> list[str]:
    """`lz synth` in a child process: the bindings and the jsii runtime (~0.5-1 GB) leave with it.

    For callers that go on to do memory-hungry work (the review's Terraform runs) and never need
    the constructs themselves. `stacks`: exactly these. `code`: a checkout whose own `modules/`
    synthesizes (a review's base), with this environment's packages; default: this checkout.
    """
    if code is not None:  # another checkout's code runs in its own folder: paths must be absolute
        config_dir, out = config_dir.resolve(), out.resolve()
    args = ["synth", "--dir", str(config_dir), "--out", str(out)]
    if only_env is not None:
        args += ["--env", only_env]
    for stack in stacks or []:
        args += ["--stack", stack]
    if emulator is not None:
        args += ["--emulator", emulator]
    env = {**os.environ, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}
    python = [sys.executable, *(["-O"] if optimized_bytecode_installed() else [])]
    if code is not None:
        env["PYTHONPATH"] = str(code.resolve())
    result = subprocess.run(
        [*python, "-m", "modules.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        cwd=code,
    )
    if result.returncode != 0:
        printed = "\n".join((result.stderr or result.stdout).strip().splitlines()[-30:])
        raise SynthesisError(f"`lz {' '.join(args)}` failed (exit {result.returncode}):\n{printed}")
    return sorted(path.name for path in (out / "stacks").iterdir())


# Installed with `python -O -m compileall` by `make install`.
OPTIMIZED_PACKAGES = ("cdktf", "cdktf_cdktf_provider_aws")


def optimized_bytecode_installed() -> bool:
    """Whether the bindings can be imported under `python -O` as fast as without it.

    Under -O the jsii bindings skip their runtime argument type checks (`if __debug__:`): ~40% of
    constructing the stacks, with the same output (tests synthesize without -O and type-check our
    code). Without precompiled -O bytecode, -O would compile the ~700 MB of bindings on every run.
    """
    for package in OPTIMIZED_PACKAGES:
        spec = importlib.util.find_spec(package)
        if spec is None or spec.origin is None:
            return False
        if not Path(importlib.util.cache_from_source(spec.origin, optimization=1)).is_file():
            return False
    return True
