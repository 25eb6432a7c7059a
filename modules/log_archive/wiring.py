"""The log archive of the estate, in the log-archive account (LOG-1, LOG-3..5)."""

from __future__ import annotations

from constructs import Construct

from modules.config.models import Estate
from modules.log_archive.construct import LogArchive
from modules.log_archive.documents import ArchiveContext


def archive_context(estate: Estate, *, account_id: str, deployment_role_arn: str) -> ArchiveContext:
    """Who writes to and reads the buckets: every account of the estate that has an id."""
    accounts = estate.account_ids()
    return ArchiveContext(
        region=estate.organization.home_region,
        log_archive_account=account_id,
        management_account=accounts["management"],
        reader_accounts=tuple(dict.fromkeys([account_id, accounts["audit"]])),
        estate_accounts=tuple(sorted(set(accounts.values()))),
        deployment_role_arn=deployment_role_arn,
        bucket=estate.log_bucket,
        access_log_bucket=estate.access_log_bucket,
    )


def log_archive(scope: Construct, *, estate: Estate, account_id: str, deployment_role_arn: str) -> LogArchive:
    """Key, log bucket and access-log bucket, locked for the longest retention any account needs."""
    org = estate.organization
    return LogArchive(
        scope,
        "log-archive",
        key_alias=estate.log_key_alias,
        config=org.log_archive,
        retention_days=estate.archive_retention_days,
        context=archive_context(estate, account_id=account_id, deployment_role_arn=deployment_role_arn),
    )
