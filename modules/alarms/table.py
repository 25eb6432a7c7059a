"""The DET-3/DET-5 alarm table (`policies/cis_alarms.yaml`): one row per event class, read once."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from pydantic import Field

from modules.core.base import StrictModel
from modules.core.types import listed_twice

TABLE = Path(__file__).resolve().parents[2] / "policies" / "cis_alarms.yaml"

# CloudWatch Logs rejects filter patterns longer than this.
MAX_PATTERN_LENGTH = 1024


class AlarmRow(StrictModel):
    name: str = Field(pattern=r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$", max_length=64)
    event_class: str = Field(min_length=3)
    requirement: str = Field(pattern=r"^DET-[35]\b")
    pattern: str = Field(min_length=3, max_length=MAX_PATTERN_LENGTH)

    @property
    def metric_name(self) -> str:
        return "".join(part.capitalize() for part in self.name.split("-"))


class AlarmTable(StrictModel):
    alarms: list[AlarmRow] = Field(min_length=1)


@cache
def alarm_rows(path: Path = TABLE) -> tuple[AlarmRow, ...]:
    rows = AlarmTable.model_validate(yaml.safe_load(path.read_text()), strict=False).alarms
    duplicates = listed_twice([row.name for row in rows])
    if duplicates:
        raise ValueError(f"{path}: alarm names listed twice: {', '.join(duplicates)}")
    return tuple(rows)
