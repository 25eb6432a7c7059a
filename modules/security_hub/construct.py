"""Security Hub in the audit account (delegated administrator) in every approved region (DET-2).

Per region: the hub (consolidated control findings, no default standards), the configured standards
(FSBP always; CIS and PCI DSS versions from `security_hub:`), auto-enable for new members and
membership of the existing accounts. Findings of the other regions are aggregated in the home region.
"""

from __future__ import annotations

from cdktf_cdktf_provider_aws.securityhub_account import SecurityhubAccount
from cdktf_cdktf_provider_aws.securityhub_finding_aggregator import SecurityhubFindingAggregator
from cdktf_cdktf_provider_aws.securityhub_member import SecurityhubMember
from cdktf_cdktf_provider_aws.securityhub_organization_configuration import (
    SecurityhubOrganizationConfiguration,
)
from cdktf_cdktf_provider_aws.securityhub_standards_subscription import SecurityhubStandardsSubscription
from constructs import Construct

from modules.deployment.construct import RegionalProviders
from modules.security_hub.config import SecurityHubConfig


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
