"""Write modules/network/data/endpoint_services.json from botocore's endpoint data (pinned in uv.lock).

For each AWS service botocore knows, the commercial regions it is offered in (those in
modules/core/types.KNOWN_REGIONS). `lz validate` reads the committed file; botocore is only a
development dependency. Refresh after upgrading botocore:

    uv run python -m tests.network.endpoint_data --write
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import botocore

from modules.core.types import KNOWN_REGIONS
from modules.network.endpoints import DATA_FILE


def derive() -> dict[str, Any]:
    endpoints = json.loads((Path(botocore.__file__).parent / "data" / "endpoints.json").read_text())
    aws = next(partition for partition in endpoints["partitions"] if partition["partition"] == "aws")
    services = {
        name: sorted(region for region in service.get("endpoints", {}) if region in KNOWN_REGIONS)
        for name, service in sorted(aws["services"].items())
    }
    return {"source": f"botocore {botocore.__version__} data/endpoints.json", "services": services}


def render(data: dict[str, Any]) -> str:
    """One service per line: small, and a botocore upgrade reads as a diff of services."""
    lines = [f"  {json.dumps(name)}: {json.dumps(regions)}" for name, regions in data["services"].items()]
    return f'{{"source": {json.dumps(data["source"])},\n "services": {{\n' + ",\n".join(lines) + "\n}}\n"


def main(argv: list[str]) -> int:
    text = render(derive())
    if "--write" in argv:
        DATA_FILE.write_text(text, encoding="utf-8")
        print(f"wrote {DATA_FILE}")
        return 0
    current = DATA_FILE.read_text(encoding="utf-8") == text
    print(f"{DATA_FILE}: {'current' if current else 'out of date; run with --write'}")
    return 0 if current else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
