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


def archive_transition_before_expiry(estate: Estate) -> Iterator[Finding]:
    """S3 rejects a lifecycle rule whose transition is not before its expiration."""
    log_archive = estate.organization.log_archive
    if log_archive.transition_to_archive_days >= log_archive.retention_days:
        yield Finding(
            "organization",
            ("log_archive", "transition_to_archive_days"),
            f"{log_archive.transition_to_archive_days} days is not before the expiry at "
            f"retention_days (expected fewer than {log_archive.retention_days})",
        )


CHECKS = (retention_only_tightens, archive_transition_before_expiry)
