"""The CDKTF app (`cdktf.json` runs it): load the configs, build the stacks, synthesize.

`cdktf synth`, `cdktf diff <stack>` and `cdktf deploy <stack>` go through here; `lz synth` does
the same atomically.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from modules.cli import print_config_error
from modules.config import load_estate
from modules.core.errors import ConfigError


def main() -> int:
    try:
        estate = load_estate(Path(__file__).parent / "environments")
    except ConfigError as error:
        print_config_error(error)
        return 2
    from modules.deployment.emulator import ENV_VAR, STATE_DIR_ENV_VAR
    from modules.stacks.app import build_app

    # Only an explicit LZ_EMULATOR_ENDPOINT (set by the emulator tests) targets a local emulator.
    outdir = Path(os.environ.get("CDKTF_OUTDIR", "cdktf.out"))
    state_dir = os.environ.get(STATE_DIR_ENV_VAR)
    build_app(
        estate,
        outdir,
        emulator_endpoint=os.environ.get(ENV_VAR) or None,
        state_dir=Path(state_dir) if state_dir else None,
    ).synth()
    return 0


if __name__ == "__main__":
    sys.exit(main())
