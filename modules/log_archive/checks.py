"""Environments may tighten log retention, never loosen it (LOG-3)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from modules.core.findings import Finding

if TYPE_CHECKING:
    from modules.config.models import Estate


def retention_only_tightens(estate: Estate) -> Iterator[Finding]:
    floor = estate.organization.log_archive.retention_days
    for name, env in estate.environments.items():
        override = env.overrides.log_retention_days
        if override is not None and override < floor:
            yield Finding(
                name,
                ("overrides", "log_retention_days"),
                f"{override} days is looser than the organization floor (expected >= {floor})",
            )


CHECKS = (retention_only_tightens,)
