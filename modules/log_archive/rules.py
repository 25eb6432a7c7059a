"""Environments may tighten log retention, never loosen it (LOG-3)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from modules.core.findings import Finding
from modules.core.rules import rule

if TYPE_CHECKING:
    from modules.config.models import Estate


@rule("LZ_RULE_LOG_001")
def retention_only_tightens(estate: Estate) -> Iterator[Finding]:
    """An environment may lengthen log retention, never shorten it below the estate's floor (LOG-3)."""
    floor = estate.organization.log_archive.retention_days
    for name, env in estate.environments.items():
        override = env.overrides.log_retention_days
        if override is not None and override < floor:
            yield Finding(
                name,
                ("overrides", "log_retention_days"),
                f"{override} days is looser than the organization floor (expected >= {floor})",
            )


@rule("LZ_RULE_LOG_002")
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


# S3 bucket naming rules (general purpose buckets), checked on the names as built, after prefixing:
# the default name grows with the estate name, the account id and the region.
MAX_BUCKET_NAME = 63
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]*[a-z0-9]$")
_IP_ADDRESS = re.compile(r"^\d+\.\d+\.\d+\.\d+$")
_RESERVED = (("xn--", "sthree-", "amzn-s3-demo-"), ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"))


def bucket_name_problem(name: str) -> str | None:
    """Why S3 would refuse `name` as a bucket name, or None."""
    if not 3 <= len(name) <= MAX_BUCKET_NAME:
        return f"has {len(name)} characters (expected 3 to {MAX_BUCKET_NAME})"
    if not _BUCKET.match(name) or ".." in name or _IP_ADDRESS.match(name):
        return "is not a valid S3 bucket name (expected lower-case letters, digits, dots and dashes)"
    prefixes, suffixes = _RESERVED
    if name.startswith(prefixes) or name.endswith(suffixes):
        return "uses a prefix or suffix S3 reserves (expected another name)"
    return None


@rule("LZ_RULE_LOG_003")
def log_buckets_are_valid_names(estate: Estate) -> Iterator[Finding]:
    """The central log bucket's name as built: `<estate>-log-archive-<account id>-<home region>`."""
    organization = estate.organization
    loc = ("log_archive", "bucket_name") if organization.log_archive.bucket_name else ("name",)
    problem = bucket_name_problem(estate.log_bucket)
    if problem:
        how = (
            ""
            if organization.log_archive.bucket_name
            else " (built from the estate name; shorten it or set log_archive.bucket_name)"
        )
        yield Finding("organization", loc, f"log bucket name '{estate.log_bucket}' {problem}{how}")
