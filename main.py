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
    from modules.stacks.app import build_app
    from modules.targets.emulator import retarget_from_environment

    outdir = Path(os.environ.get("CDKTF_OUTDIR", "cdktf.out"))
    build_app(estate, outdir).synth()
    # The cdktf CLI reads the output once this process exits: an explicit LZ_EMULATOR_ENDPOINT
    # rewrites it for the emulator target first, as `lz synth --emulator` does.
    retarget_from_environment(outdir, os.environ)
    return 0


if __name__ == "__main__":
    sys.exit(main())
