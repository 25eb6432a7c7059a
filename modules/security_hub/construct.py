"""Security Hub in the audit account (delegated administrator) in every approved region (DET-2).

Per region: the hub (consolidated control findings, no default standards), the configured standards
(FSBP always; CIS and PCI DSS versions from `security_hub:`), auto-enable for new members and
membership of the existing accounts. Findings of the other regions are aggregated in the home region.
"""

from __future__ import annotations

from cdktf import ITerraformDependable
from cdktf_cdktf_provider_aws.securityhub_account import SecurityhubAccount
from cdktf_cdktf_provider_aws.securityhub_finding_aggregator import SecurityhubFindingAggregator
from cdktf_cdktf_provider_aws.securityhub_member import SecurityhubMember
from cdktf_cdktf_provider_aws.securityhub_organization_configuration import (
    SecurityhubOrganizationConfiguration,
)
from cdktf_cdktf_provider_aws.securityhub_standards_control_association import (
    SecurityhubStandardsControlAssociation,
)
from cdktf_cdktf_provider_aws.securityhub_standards_subscription import SecurityhubStandardsSubscription
from constructs import Construct

from modules.deployment.construct import RegionalProviders
from modules.security_hub.config import SecurityHubConfig
from modules.security_hub.exceptions import ControlException


class SecurityHub(Construct):
    """`hubs` by region, `standards` by (region, standard key), `aggregator` (None with one region)."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: SecurityHubConfig,
        providers: RegionalProviders,
        member_accounts: dict[str, str],
    ) -> None:
        super().__init__(scope, construct_id)
        self.hubs: dict[str, SecurityhubAccount] = {}
        self.standards: dict[tuple[str, str], SecurityhubStandardsSubscription] = {}
        for region in providers.regions:
            provider = providers.for_region(region)
            hub = SecurityhubAccount(
                self,
                f"hub-{region}",
                enable_default_standards=False,
                control_finding_generator="SECURITY_CONTROL",
                auto_enable_controls=True,
                provider=provider,
            )
            for key, arn in config.standard_arns(region).items():
                self.standards[(region, key)] = SecurityhubStandardsSubscription(
                    self, f"{key}-{region}", standards_arn=arn, depends_on=[hub], provider=provider
                )
            SecurityhubOrganizationConfiguration(
                self,
                f"organization-{region}",
                auto_enable=True,
                auto_enable_standards="DEFAULT",
                depends_on=[hub],
                provider=provider,
            )
            for role, account_id in member_accounts.items():  # auto-enable covers new accounts only
                SecurityhubMember(
                    self,
                    f"member-{role}-{region}",
                    account_id=account_id,
                    invite=False,
                    depends_on=[hub],
                    provider=provider,
                )
            self.hubs[region] = hub
        others = [r for r in providers.regions if r != providers.home_region]
        self.aggregator = (
            SecurityhubFindingAggregator(
                self,
                "aggregator",
                linking_mode="SPECIFIED_REGIONS",
                specified_regions=others,
                depends_on=[self.hubs[providers.home_region]],
            )
            if others
            else None
        )


class ControlExceptions(Construct):
    """DET-7 in one account: the controls that fail by design, disabled per standard and region.

    Runs in the account itself (Security Hub records control status per account). The account's hub
    is enabled by the audit account's organization configuration, so on an estate's very first
    deployment this stack is applied after the `security` stack.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        exceptions: list[ControlException],
        providers: RegionalProviders,
        depends_on: list[ITerraformDependable] | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.associations: dict[tuple[str, str, str], SecurityhubStandardsControlAssociation] = {}
        for region in providers.regions:
            for exception in exceptions:
                slug = f"{exception.standard}-{exception.control}-{region}".lower().replace(".", "-")
                self.associations[(region, exception.standard, exception.control)] = (
                    SecurityhubStandardsControlAssociation(
                        self,
                        slug,
                        standards_arn=exception.standards_arn(region),
                        security_control_id=exception.control,
                        association_status="DISABLED",
                        updated_reason=exception.reason,
                        depends_on=depends_on,
                        provider=providers.for_region(region),
                    )
                )
