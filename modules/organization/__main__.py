"""`python -m modules.organization [DIR] [--show NAME]`: which SCP goes where, and how big it is.

For reviewers and for the "how to add an SCP" recipe: no cdktf, no AWS, just the validated config.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from modules.config import load_estate
from modules.core.errors import ConfigError
from modules.organization import guardrails as g
from modules.organization.scp import MAX_SCP_CHARS, MAX_SCPS_PER_TARGET


def summary(directory: Path) -> list[str]:
    """One line per SCP (size against the limit) and per target (what it carries)."""
    estate = load_estate(directory)
    lines = [
        f"{name:<28} {scp.size:>5} / {MAX_SCP_CHARS} chars  {scp.description}"
        for name, scp in g.render_estate_scps(estate).items()
    ]
    for attachment in g.attachments(estate):
        kinds = [
            name if g.is_scp(estate, name) else f"{name} (Control Tower control)"
            for name in attachment.guardrails
        ]
        count = f"{len(attachment.guardrails) + 1}/{MAX_SCPS_PER_TARGET}"
        lines.append(f"{attachment.target.label:<28} {count:>5} incl. FullAWSAccess: {', '.join(kinds)}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m modules.organization", description=__doc__)
    parser.add_argument("dir", nargs="?", type=Path, default=Path("environments"))
    parser.add_argument("--show", metavar="NAME", help="print one rendered SCP as indented JSON")
    args = parser.parse_args(argv)
    try:
        if args.show:
            scps = g.render_estate_scps(load_estate(args.dir))
            if args.show not in scps:
                print(f"no SCP '{args.show}' in this estate (known: {', '.join(scps)})", file=sys.stderr)
                return 2
            print(json.dumps(scps[args.show].document, indent=2))
        else:
            print("\n".join(summary(args.dir)))
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
