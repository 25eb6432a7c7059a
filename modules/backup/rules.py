"""Backup rules must keep recovery points within what the vault lock allows (DAT-5)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from modules.core.findings import Finding
from modules.core.rules import rule

if TYPE_CHECKING:
    from modules.config.models import Estate


@rule("LZ_RULE_BAK_001")
def retention_fits_the_vault_lock(estate: Estate) -> Iterator[Finding]:
    """Backup retention fits between the vault lock's minimum and maximum (else AWS refuses the plan)."""
    for name, env in estate.environments.items():
        lock = env.backup.vault_lock
        if lock is None:
            continue
        if lock.min_retention_days > lock.max_retention_days:
            yield Finding(
                name,
                ("backup", "vault_lock", "min_retention_days"),
                f"{lock.min_retention_days} is above max_retention_days {lock.max_retention_days} "
                "(expected min <= max)",
            )
            continue
        for rule_name in ("daily", "weekly"):
            days = getattr(env.backup, rule_name).retention_days
            if not lock.min_retention_days <= days <= lock.max_retention_days:
                yield Finding(
                    name,
                    ("backup", rule_name, "retention_days"),
                    f"{days} is outside the vault lock's {lock.min_retention_days}-"
                    f"{lock.max_retention_days} days (expected a retention the lock accepts, "
                    "or AWS Backup rejects every backup job)",
                )


@rule("LZ_RULE_BAK_002")
def weekly_outlives_daily(estate: Estate) -> Iterator[Finding]:
    """The weekly backup rule keeps its recovery points at least as long as the daily one."""
    for name, env in estate.environments.items():
        daily, weekly = env.backup.daily.retention_days, env.backup.weekly.retention_days
        if weekly < daily:
            yield Finding(
                name,
                ("backup", "weekly", "retention_days"),
                f"{weekly} is shorter than the daily rule's {daily} days (expected weekly >= daily)",
            )
