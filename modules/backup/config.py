"""`backup:` AWS Backup of an environment: one vault, a daily and a weekly rule, selection by tag (DAT-5)."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field
from pydantic_core import PydanticCustomError

from modules.core.base import StrictModel

# AWS Backup keeps recovery points 1 day to 100 years; we cap at 10 years like log retention.
MAX_RETENTION_DAYS = 3650
_CRON = re.compile(r"^cron\([^()]+\)$")
_TAG = re.compile(r"^[A-Za-z0-9 _.:/=+@-]{1,128}$")


def _cron(value: object) -> object:
    if not isinstance(value, str) or not _CRON.match(value) or len(value[5:-1].split()) != 6:
        raise PydanticCustomError(
            "cron",
            "not an AWS cron expression (expected six fields, e.g. 'cron(0 17 * * ? *)')",
            {"value": value},
        )
    return value


def _tag(value: object) -> object:
    if not isinstance(value, str) or not _TAG.match(value):
        raise PydanticCustomError(
            "tag", "not a tag key or value (expected 1-128 letters, digits, _.:/=+@-)", {"value": value}
        )
    return value


Cron = Annotated[str, BeforeValidator(_cron)]
TagText = Annotated[str, BeforeValidator(_tag)]


class BackupRule(StrictModel):
    """One backup rule of the plan."""

    schedule: Cron = Field(description="AWS cron expression in UTC.")
    retention_days: int = Field(
        ge=1, le=MAX_RETENTION_DAYS, description="Days (1-3650) recovery points are kept."
    )


class VaultLock(StrictModel):
    """Governance mode can be lifted by privileged users; compliance mode is final after the grace days."""

    mode: Literal["governance", "compliance"] = Field(
        default="governance", description="governance: can be lifted; compliance: final after the grace days."
    )
    min_retention_days: int = Field(
        default=7,
        ge=1,
        le=MAX_RETENTION_DAYS,
        description="Shortest retention a rule may set (1-3650 days); at most max_retention_days.",
    )
    max_retention_days: int = Field(
        default=MAX_RETENTION_DAYS,
        ge=1,
        le=MAX_RETENTION_DAYS,
        description="Longest retention a rule may set (1-3650 days); every rule must fit in the range.",
    )
    changeable_for_days: int = Field(
        default=3, ge=3, le=36500, description="Compliance mode only: grace days before the lock is final."
    )


class BackupConfig(StrictModel):
    """DAT-5: one vault and plan per environment; resources carrying the selection tag are backed up."""

    daily: BackupRule = Field(
        default_factory=lambda: BackupRule(schedule="cron(0 17 * * ? *)", retention_days=35),
        description="The daily rule: schedule and retention.",
    )
    weekly: BackupRule = Field(
        default_factory=lambda: BackupRule(schedule="cron(0 18 ? * SAT *)", retention_days=90),
        description="The weekly rule; keeps recovery points at least as long as the daily rule.",
    )
    vault_lock: VaultLock | None = Field(default=None, description="WORM lock of the vault; null: no lock.")
    selection_tag_key: TagText = Field(default="backup", description="Resources with this tag ...")
    selection_tag_value: TagText = Field(default="true", description="... and this value are backed up.")
