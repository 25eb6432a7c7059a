"""Value lists the AWS provider enforces, derived from the provider (see modules/core/data/).

`modules/core/data/provider_enums.json` is written by `tests/config/provider_probe.py` from the
provider's own validation (terraform validate, offline) and checked against it by
tests/config/test_provider_enums.py wherever the provider mirror is available. Config models
use these lists so a value the provider would refuse at `terraform plan` fails `lz validate` at
its YAML line instead, without Terraform at validate time.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).parent / "data" / "provider_enums.json"


@cache
def _data() -> dict[str, object]:
    data: dict[str, object] = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    return data


def provider_version() -> str:
    return str(_data()["version"])


def accepted(resource_attribute: str) -> tuple[int | str, ...]:
    """The values the provider accepts for `<resource type>.<attribute>`, in its order."""
    enums = _data()["enums"]
    assert isinstance(enums, dict)
    return tuple(enums[resource_attribute])
