"""Logging, detection and alerting of each stack, per account role.

Each stack calls one function here, so the stack files stay a list of concerns (see
modules/cloudtrail, aws_config, alarms, guardduty, security_hub, macie, inspector, notifications,
budget).
"""

from __future__ import annotations

from typing import Literal

from cdktf_cdktf_provider_aws.inspector2_delegated_admin_account import Inspector2DelegatedAdminAccount

from modules.alarms.construct import SecurityAlarms
from modules.alarms.table import alarm_rows
from modules.aws_config.construct import ConfigAggregator, ConfigRecorder
from modules.aws_config.rules import managed_rules
from modules.budget.construct import Budget
from modules.cloudtrail.construct import DataEventsTrail, OrganizationTrail
from modules.config.models import EnvironmentConfig, Estate
from modules.deployment.construct import role_arn
from modules.guardduty.construct import GuardDuty
from modules.inspector.construct import Inspector, RegistryScanning
from modules.log_archive.config import archive_retention_days
from modules.log_archive.construct import LogArchive, key_alias_arn
from modules.log_archive.documents import ArchiveContext
from modules.macie.construct import Macie, MacieDelegation
from modules.notifications.construct import FindingNotifications, NotificationTopic
from modules.organization.guardrails import control_tower_log_buckets
from modules.security_hub.construct import ControlExceptions, SecurityHub
from modules.security_hub.exceptions import account_exceptions
from modules.stacks.base import AccountStack

ALARM_NAMESPACE = "LandingZone/CIS"


def control_tower(estate: Estate) -> bool:
    return estate.organization.landing_zone.mode == "control_tower"


def creates_trail(estate: Estate) -> bool:
    """Our organization trail: always in organizations mode; in control_tower mode only on request."""
    return not control_tower(estate) or estate.organization.cloudtrail.create_trail_in_control_tower_mode


def trail_name(estate: Estate) -> str:
    return f"{estate.organization.name}-organization-trail"


def s3_data_event_buckets(estate: Estate) -> list[str] | None:
    """LOG-7: the buckets whose object-level events the trail records; None means every bucket."""
    config = estate.organization.cloudtrail
    if config.s3_data_events == "all_buckets":
        return None
    buckets = [estate.log_bucket, estate.access_log_bucket]
    if control_tower(estate):
        org = estate.organization
        buckets.extend(control_tower_log_buckets(org.accounts.log_archive.id, org.home_region))
    return list(dict.fromkeys([*buckets, *config.s3_data_event_buckets]))


def _deployment_role(stack: AccountStack) -> str:
    return role_arn(stack.account_id, stack.estate.organization.deployment.role_name)


def config_recorder(
    stack: AccountStack, frequency: Literal["continuous", "daily"], *, owned_by_control_tower: bool
) -> ConfigRecorder:
    """CFG-1..3 in every approved region; Control Tower records in the accounts it enrolls."""
    estate = stack.estate
    return ConfigRecorder(
        stack,
        "config",
        providers=stack.providers,
        recording_frequency=frequency,
        bucket_name=estate.log_bucket,
        retention_days=estate.organization.log_archive.retention_days,
        rules=managed_rules(),
        create_recorder=not (owned_by_control_tower and control_tower(estate)),
    )


def management_detection(stack: AccountStack) -> None:
    """Organization trail, DET-3 alarms on its log group, Config, Inspector delegation."""
    estate, org = stack.estate, stack.estate.organization
    region = stack.providers.home_region
    if creates_trail(estate):
        trail = OrganizationTrail(
            stack,
            "cloudtrail",
            name=trail_name(estate),
            region=region,
            account_id=stack.account_id,
            bucket_name=estate.log_bucket,
            bucket_kms_key_arn=key_alias_arn(org.name, org.home_region, str(org.accounts.log_archive.id)),
            retention_days=org.log_archive.retention_days,
            deployment_role_arn=_deployment_role(stack),
            s3_data_event_buckets=s3_data_event_buckets(estate),
        )
        log_group_name = trail.log_group.name
    else:
        log_group_name = org.cloudtrail.control_tower_log_group
        DataEventsTrail(
            stack,
            "cloudtrail-data-events",
            name=f"{org.name}-s3-data-events",
            bucket_name=estate.log_bucket,
            bucket_kms_key_arn=key_alias_arn(org.name, org.home_region, str(org.accounts.log_archive.id)),
            s3_data_event_buckets=s3_data_event_buckets(estate),
        )
    topic = NotificationTopic(
        stack,
        "security-alarms",
        name=f"{org.name}-security-alarms",
        region=region,
        account_id=stack.account_id,
        deployment_role_arn=_deployment_role(stack),
        publishers=["cloudwatch.amazonaws.com"],
        notifications=org.notifications,
    )
    SecurityAlarms(
        stack,
        "cis-alarms",
        prefix=org.name,
        namespace=ALARM_NAMESPACE,
        log_group_name=log_group_name,
        topic_arn=topic.topic.arn,
        rows=alarm_rows(),
    )
    config_recorder(stack, "continuous", owned_by_control_tower=False)  # CT never records here
    if org.macie.enabled:  # DET-6
        MacieDelegation(
            stack, "macie-admin", admin_account_id=str(org.accounts.audit.id), providers=stack.providers
        )
    for r in stack.providers.regions:  # GuardDuty / Security Hub delegation: modules/organization
        Inspector2DelegatedAdminAccount(
            stack,
            f"inspector-admin-{r}",
            account_id=str(org.accounts.audit.id),
            provider=stack.providers.for_region(r),
        )


def log_archive(stack: AccountStack) -> LogArchive:
    estate, org = stack.estate, stack.estate.organization
    accounts = {role: str(account.id) for role, account in estate.accounts().items() if account.id}
    context = ArchiveContext(
        region=org.home_region,
        log_archive_account=stack.account_id,
        management_account=accounts["management"],
        reader_accounts=tuple(dict.fromkeys([stack.account_id, accounts["audit"]])),
        estate_accounts=tuple(sorted(set(accounts.values()))),
        deployment_role_arn=_deployment_role(stack),
        bucket=estate.log_bucket,
        access_log_bucket=estate.access_log_bucket,
    )
    retention = archive_retention_days(
        org.log_archive.retention_days, [estate.retention_days(env) for env in estate.environments.values()]
    )
    archive = LogArchive(
        stack,
        "log-archive",
        estate_name=org.name,
        config=org.log_archive,
        retention_days=retention,
        context=context,
    )
    config_recorder(stack, "continuous", owned_by_control_tower=True)
    return archive


def security_detection(stack: AccountStack) -> None:
    """Audit account: GuardDuty, Security Hub, Inspector, finding notifications, Config aggregator."""
    estate, org = stack.estate, stack.estate.organization
    members = {
        role: str(account.id) for role, account in estate.accounts().items() if account.id and role != "audit"
    }
    GuardDuty(stack, "guardduty", config=org.guardduty, providers=stack.providers)
    hub = SecurityHub(
        stack, "security-hub", config=org.security_hub, providers=stack.providers, member_accounts=members
    )
    ControlExceptions(  # DET-7
        stack,
        "security-hub-exceptions",
        exceptions=account_exceptions(estate, "audit"),
        providers=stack.providers,
        depends_on=list(hub.standards.values()),
    )
    if org.macie.enabled:  # DET-6
        macie_members = {
            role: (str(account.id), account.email)
            for role, account in estate.accounts().items()
            if account.id and role != "audit"
        }
        Macie(stack, "macie", config=org.macie, providers=stack.providers, member_accounts=macie_members)
    Inspector(
        stack, "inspector", providers=stack.providers, admin_account=stack.account_id, member_accounts=members
    )
    FindingNotifications(
        stack,
        "finding-notifications",
        prefix=org.name,
        providers=stack.providers,
        account_id=stack.account_id,
        deployment_role_arn=_deployment_role(stack),
        notifications=org.notifications,
        guardduty_min_score=org.guardduty.notify_min_score,
        security_hub_severities=list(org.security_hub.notify_severities),
    )
    if not control_tower(estate):  # Control Tower runs its own aggregator in the audit account
        ConfigAggregator(stack, "config-aggregator", name=org.name, regions=stack.providers.regions)
    config_recorder(stack, "continuous", owned_by_control_tower=True)


def environment_detection(stack: AccountStack, env: EnvironmentConfig) -> None:
    """Config at the environment's frequency, ECR scan-on-push, the account's budget."""
    config_recorder(stack, env.aws_config.recording_frequency, owned_by_control_tower=True)
    RegistryScanning(stack, "ecr-scanning", providers=stack.providers)
    Budget(stack, "budget", name=env.name, account_id=stack.account_id, config=env.budget)
