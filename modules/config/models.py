"""The two file kinds: `organization.yaml` and one `<env>.yaml` per environment."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Literal

from pydantic import Field

from modules.account_baseline.config import AccountBaselineConfig
from modules.aws_config.config import AwsConfigConfig
from modules.backup.config import BackupConfig
from modules.budget.config import BudgetConfig
from modules.cloudtrail.config import CloudTrailConfig
from modules.core.base import StrictModel
from modules.core.types import Name, PascalName, Region, RetentionDays, UniqueList
from modules.core.yaml_loader import LoadedYaml
from modules.deployment.config import DeploymentConfig
from modules.guardduty.config import GuardDutyConfig
from modules.hardening.config import HardeningConfig
from modules.identity_center.config import AccessGrant, IdentityCenterConfig
from modules.log_archive.config import LogArchiveConfig, access_log_bucket_name, log_bucket_name
from modules.macie.config import MacieConfig
from modules.network.config import NetworkConfig
from modules.notifications.config import NotificationsConfig
from modules.organization.config import (
    Account,
    ContactsConfig,
    CoreAccounts,
    GuardrailsConfig,
    LandingZoneConfig,
    OrganizationalUnit,
    ou_paths,
)
from modules.organization.perimeter_config import (
    DeclarativePoliciesConfig,
    ResourceControlPoliciesConfig,
    RootAccessConfig,
)
from modules.patching.config import PatchingConfig
from modules.security_hub.config import SecurityHubConfig
from modules.session_manager.config import SessionManagerConfig


class OrganizationConfig(StrictModel):
    """The estate as a whole (`environments/organization.yaml`)."""

    name: Name = Field(description="Short estate name; prefixes bucket and resource names.")
    home_region: Region = Field(
        description="Region of the core stacks' default provider, the log bucket and Identity Center; "
        "must be one of approved_regions."
    )
    approved_regions: Annotated[list[Region], UniqueList] = Field(
        min_length=1, description="Every region workloads may use (SCP-2); services run in each."
    )
    landing_zone: LandingZoneConfig = Field(
        default_factory=LandingZoneConfig,
        description="ORG-2: plain Organizations or Control Tower, and the security OU.",
    )
    deployment: DeploymentConfig = Field(
        default_factory=DeploymentConfig,
        description="How Terraform reaches each account (assumed role) and where it keeps state.",
    )
    accounts: CoreAccounts = Field(description="The management, log-archive and audit accounts (ORG-3).")
    organizational_units: list[OrganizationalUnit] = Field(
        min_length=1,
        description="The OU tree below the root (ORG-1); must hold landing_zone.security_ou at the top.",
    )
    identity_center: IdentityCenterConfig = Field(
        description="The Identity Center instance, its groups and the job-role catalog (IAM-1..3)."
    )
    notifications: NotificationsConfig = Field(
        description="Who receives security findings and alarms (DET-2, DET-3)."
    )
    log_archive: LogArchiveConfig = Field(
        default_factory=LogArchiveConfig,
        description="Retention and immutability of the central log buckets (LOG-3, LOG-4).",
    )
    cloudtrail: CloudTrailConfig = Field(
        default_factory=CloudTrailConfig,
        description="The organization trail and its data events (LOG-1, LOG-2, LOG-7).",
    )
    guardduty: GuardDutyConfig = Field(
        default_factory=GuardDutyConfig,
        description="GuardDuty protection plans and notifications, organization-wide (DET-1, DET-6).",
    )
    security_hub: SecurityHubConfig = Field(
        default_factory=SecurityHubConfig,
        description="Security Hub standards and finding notifications (DET-2).",
    )
    macie: MacieConfig = Field(
        default_factory=MacieConfig, description="Macie sensitive-data discovery, organization-wide (DET-6)."
    )
    account_baseline: AccountBaselineConfig = Field(
        default_factory=AccountBaselineConfig,
        description="What every account gets, core accounts included: the default VPC's fate (NET-7).",
    )
    contacts: ContactsConfig = Field(description="Alternate contacts set on every account (ORG-5).")
    guardrails: GuardrailsConfig = Field(
        default_factory=GuardrailsConfig,
        description="SCP guardrails: what they exempt and where they are attached (SCP-1..6).",
    )
    resource_control_policies: ResourceControlPoliciesConfig = Field(
        default_factory=ResourceControlPoliciesConfig,
        description="The data perimeter: RCPs and where they are attached (ORG-6).",
    )
    declarative_policies: DeclarativePoliciesConfig = Field(
        default_factory=DeclarativePoliciesConfig,
        description="Declarative EC2 policies: IMDSv2, public sharing, serial console (ORG-7).",
    )
    root_access: RootAccessConfig = Field(
        default_factory=RootAccessConfig,
        description="Centralized root access: no root credentials in member accounts (IAM-9).",
    )

    @property
    def ou_paths(self) -> list[str]:
        return ou_paths(self.organizational_units)


class Application(StrictModel):
    """An application of the environment; yields the `<Name>Apps` job role (IAM-2)."""

    name: PascalName = Field(
        description="PascalCase, up to 41 letters and digits: job role `<name>Apps`, permission set "
        "`<name>Apps-<Prod|Stg|Dev>`, limited to resources named `<name lower-case>-*` or tagged "
        "`lz:application`."
    )
    description: str = Field(
        default="", max_length=200, description="Free text for readers, up to 200 characters; not deployed."
    )

    @property
    def role_name(self) -> str:
        return f"{self.name}Apps"


class Overrides(StrictModel):
    """Settings an environment may only tighten relative to the organization floor."""

    log_retention_days: RetentionDays | None = Field(
        default=None,
        description="Days this environment's CloudWatch Logs and flow logs are kept, at least "
        "log_archive.retention_days (LOG-3); null: that floor. The shared log bucket keeps the longest.",
    )


class EnvironmentConfig(StrictModel):
    """One environment (`environments/<name>.yaml`): its account and what runs in it."""

    name: Name = Field(description="The environment and its stack; the same as the file name.")
    renamed_from: Name | None = Field(
        default=None,
        description="The previous name, in the change that renames the environment (and its file): the "
        "stack is renamed, so its Terraform state must be moved, not orphaned. Remove it afterwards.",
    )
    stage: Literal["production", "staging", "development"] = Field(
        description="Sets stage defaults and floors: production gets per-AZ NAT (NET-2), continuous "
        "Config recording (CFG-2), patches after staging (OPS-2) and narrower Apps permission sets."
    )
    account: Account = Field(description="The environment's own account (ORG-1).")
    organizational_unit: str = Field(description="OU path, e.g. 'Workloads/Prod'.")
    region: Region = Field(
        description="Region of the VPC and the stack's default provider; must be an approved region."
    )
    applications: list[Application] = Field(
        default_factory=list, description="Applications run here; each yields an `<Name>Apps` job role."
    )
    access: list[AccessGrant] = Field(
        default_factory=list, description="IAM-3: which group gets which job roles in this account."
    )
    network: NetworkConfig = Field(description="The environment's VPC (NET-1..6).")
    session_manager: SessionManagerConfig = Field(
        default_factory=SessionManagerConfig, description="Session Manager preferences (NET-6)."
    )
    hardening: HardeningConfig = Field(
        default_factory=HardeningConfig,
        description="Account-level defaults: EBS encryption, S3 Block Public Access, IMDSv2 (DAT-1, DAT-3).",
    )
    backup: BackupConfig = Field(
        default_factory=BackupConfig, description="AWS Backup vault, rules and tag selection (DAT-5)."
    )
    patching: PatchingConfig = Field(
        default_factory=PatchingConfig, description="SSM Patch Manager baselines and window (OPS-2)."
    )
    aws_config: AwsConfigConfig = Field(
        default_factory=AwsConfigConfig, description="The AWS Config recorder (CFG-1, CFG-2)."
    )
    budget: BudgetConfig = Field(description="Monthly cost budget, alerts and reports (OPS-1, ORG-4).")
    overrides: Overrides = Field(
        default_factory=Overrides, description="Organization settings this environment tightens."
    )

    @property
    def nat_mode(self) -> str:
        if self.network.nat is not None:
            return self.network.nat
        return "per_az" if self.stage == "production" else "single"


@dataclass(frozen=True)
class Estate:
    """Everything the stacks are built from, plus where each piece was read."""

    organization: OrganizationConfig
    environments: dict[str, EnvironmentConfig]
    sources: dict[str, LoadedYaml] = field(default_factory=dict, compare=False, repr=False)

    def accounts(self) -> dict[str, Account]:
        """Every account by role: management, log_archive, audit and one per environment."""
        core = self.organization.accounts
        accounts = {"management": core.management, "log_archive": core.log_archive, "audit": core.audit}
        accounts.update({name: env.account for name, env in self.environments.items()})
        return accounts

    def account_ids(self) -> dict[str, str]:
        """Account id by role, of the accounts that have one (new accounts get theirs on apply)."""
        return {role: str(account.id) for role, account in self.accounts().items() if account.id}

    def member_account_ids(self) -> dict[str, str]:
        """The accounts the audit account administers as the detection services' delegated
        administrator: every other account that has an id."""
        return {role: id_ for role, id_ in self.account_ids().items() if role != "audit"}

    @property
    def control_tower_mode(self) -> bool:
        """Control Tower runs the landing zone: its trail, recorders, aggregator and region deny."""
        return self.organization.landing_zone.mode == "control_tower"

    @property
    def log_bucket(self) -> str:
        org = self.organization
        return log_bucket_name(org.name, org.log_archive, org.accounts.log_archive.id, org.home_region)

    @property
    def access_log_bucket(self) -> str:
        return access_log_bucket_name(self.log_bucket)

    @property
    def control_tower_log_buckets(self) -> tuple[str, str]:
        """Control Tower's own log and access-log buckets in the log-archive account."""
        org = self.organization
        suffix = f"{org.accounts.log_archive.id or 'new'}-{org.home_region}"
        return f"aws-controltower-logs-{suffix}", f"aws-controltower-s3-access-logs-{suffix}"

    @property
    def log_buckets(self) -> list[str]:
        """Every bucket holding the estate's logs: ours, and Control Tower's in that mode. SCP-1 and
        the RCPs protect them all; the organization trail records their data events (LOG-7)."""
        ours = [self.log_bucket, self.access_log_bucket]
        return [*ours, *self.control_tower_log_buckets] if self.control_tower_mode else ours

    @property
    def log_key_alias(self) -> str:
        """The log archive key's alias: deterministic, so other stacks (the trail) and the RCPs name
        the key without a cross-stack lookup."""
        return f"alias/{self.organization.name}-log-archive"

    @property
    def log_key_arn(self) -> str:
        """The log archive key, by its alias in the log-archive account's home region."""
        org = self.organization
        return f"arn:aws:kms:{org.home_region}:{org.accounts.log_archive.id}:{self.log_key_alias}"

    def retention_days(self, env: EnvironmentConfig) -> int:
        """An environment's log retention: its override, else the organization's floor (LOG-3)."""
        return env.overrides.log_retention_days or self.organization.log_archive.retention_days

    @property
    def archive_retention_days(self) -> int:
        """Object Lock and expiry of the shared log bucket: the longest retention any account needs.

        One bucket holds every account's logs and Object Lock's default retention is per bucket, so
        the strictest environment (e.g. production's five years) sets it for all (LOG-3, LOG-4).
        """
        floor = self.organization.log_archive.retention_days
        return max([floor, *(self.retention_days(env) for env in self.environments.values())])
