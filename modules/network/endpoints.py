"""Which interface endpoint services exist, and in which regions, from a pinned data source.

The data is botocore's endpoint list (its version is recorded in the file, `source`), reduced to
service -> regions by tests/network/endpoint_data.py and committed, so `lz validate` needs
neither botocore nor the network. VPC endpoint short names do not always equal botocore's
endpoint prefixes (`ecr.dkr` is served by `api.ecr`, `ssmmessages` by `ssm`), so a name is
resolved through an explicit alias first, then by its parts: a name none of whose parts is a
known service (`not-a-service`) is refused. Region availability is only judged for names that
resolve exactly or by alias; a name resolved by its parts is only known to exist.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).parent / "data" / "endpoint_services.json"

# VPC endpoint service short name -> the botocore endpoint prefix of the service behind it.
ALIASES = {
    "ecr.api": "api.ecr",
    "ecr.dkr": "api.ecr",
    "execute-api": "apigateway",
    "ssmmessages": "ssm",
    "ec2messages": "ssm",
    "sagemaker.api": "api.sagemaker",
    "sagemaker.runtime": "runtime.sagemaker",
    "kinesis-streams": "kinesis",
    "kinesis-firehose": "firehose",
    "git-codecommit": "codecommit",
    "email-smtp": "email",
    "ecs-agent": "ecs",
    "ecs-telemetry": "ecs",
}
_PART = re.compile(r"[.-]")


@dataclass(frozen=True)
class Resolved:
    service: str
    exact: bool  # the name or its alias is the service; False: one of its parts is


@cache
def _data() -> tuple[str, dict[str, tuple[str, ...]]]:
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    return str(data["source"]), {name: tuple(regions) for name, regions in data["services"].items()}


def source() -> str:
    return _data()[0]


def resolve(name: str) -> Resolved | None:
    services = _data()[1]
    direct = ALIASES.get(name, name)
    if direct in services:
        return Resolved(direct, exact=True)
    parts = [part for part in _PART.split(name) if part]
    for candidate in (f"api.{parts[0]}" if parts else "", *parts):
        if candidate in services:
            return Resolved(candidate, exact=False)
    return None


def regions_of(service: str) -> tuple[str, ...]:
    return _data()[1].get(service, ())


def known_names() -> list[str]:
    return sorted({*_data()[1], *ALIASES})
