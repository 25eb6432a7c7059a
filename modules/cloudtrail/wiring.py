"""The management account's trails, from the estate (LOG-1, LOG-2, LOG-7).

In organizations mode the organization trail is ours. In control_tower mode Control Tower's trail
records management events; ours is added only on request, else a data-events-only trail covers
LOG-7, which Control Tower's trail does not.
"""

from __future__ import annotations

from constructs import Construct

from modules.cloudtrail.construct import DataEventsTrail, OrganizationTrail
from modules.config.models import Estate


def creates_trail(estate: Estate) -> bool:
    """Our organization trail: always in organizations mode; in control_tower mode only on request."""
    return not estate.control_tower_mode or estate.organization.cloudtrail.create_trail_in_control_tower_mode


def trail_name(estate: Estate) -> str:
    return f"{estate.organization.name}-organization-trail"


def s3_data_event_buckets(estate: Estate) -> list[str] | None:
    """LOG-7: the buckets whose object-level events the trail records; None means every bucket."""
    config = estate.organization.cloudtrail
    if config.s3_data_events == "all_buckets":
        return None
    return list(dict.fromkeys([*estate.log_buckets, *config.s3_data_event_buckets]))


def management_trail(
    scope: Construct, *, estate: Estate, account_id: str, region: str, deployment_role_arn: str
) -> str:
    """The trail of the management account; returns the log group the DET-3 alarms filter."""
    org = estate.organization
    if not creates_trail(estate):
        DataEventsTrail(
            scope,
            "cloudtrail-data-events",
            name=f"{org.name}-s3-data-events",
            bucket_name=estate.log_bucket,
            bucket_kms_key_arn=estate.log_key_arn,
            s3_data_event_buckets=s3_data_event_buckets(estate),
        )
        return org.cloudtrail.control_tower_log_group
    trail = OrganizationTrail(
        scope,
        "cloudtrail",
        name=trail_name(estate),
        region=region,
        account_id=account_id,
        bucket_name=estate.log_bucket,
        bucket_kms_key_arn=estate.log_key_arn,
        retention_days=org.log_archive.retention_days,
        deployment_role_arn=deployment_role_arn,
        s3_data_event_buckets=s3_data_event_buckets(estate),
    )
    return trail.log_group.name
