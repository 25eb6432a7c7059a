"""Amazon Inspector (EC2, ECR) and ECR scan-on-push (DET-4).

`delegate_administrator` runs in the management account: the audit account becomes Inspector's
delegated administrator in every approved region. `Inspector` runs in the audit account, in every
approved region: it enables EC2 and ECR scanning for itself and every member account, and
auto-enables new members.
`RegistryScanning` runs in each workload account: enhanced (Inspector) scanning on push for every
repository, in every approved region.
"""

from __future__ import annotations

from cdktf_cdktf_provider_aws.ecr_registry_scanning_configuration import (
    EcrRegistryScanningConfiguration,
    EcrRegistryScanningConfigurationRule,
    EcrRegistryScanningConfigurationRuleRepositoryFilter,
)
from cdktf_cdktf_provider_aws.inspector2_delegated_admin_account import Inspector2DelegatedAdminAccount
from cdktf_cdktf_provider_aws.inspector2_enabler import Inspector2Enabler
from cdktf_cdktf_provider_aws.inspector2_member_association import Inspector2MemberAssociation
from cdktf_cdktf_provider_aws.inspector2_organization_configuration import (
    Inspector2OrganizationConfiguration,
    Inspector2OrganizationConfigurationAutoEnable,
)
from constructs import Construct

from modules.deployment.construct import RegionalProviders

RESOURCE_TYPES = ["EC2", "ECR"]


def delegate_administrator(
    scope: Construct, *, admin_account_id: str, providers: RegionalProviders
) -> dict[str, Inspector2DelegatedAdminAccount]:
    """The audit account administers Inspector, per region (from the management account).

    Made directly in `scope`, not in a construct of its own, so the Terraform addresses stay
    `inspector-admin-<region>`.
    """
    return {
        region: Inspector2DelegatedAdminAccount(
            scope,
            f"inspector-admin-{region}",
            account_id=admin_account_id,
            provider=providers.for_region(region),
        )
        for region in providers.regions
    }


class Inspector(Construct):
    """`enablers` by region."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        providers: RegionalProviders,
        admin_account: str,
        member_accounts: dict[str, str],
    ) -> None:
        super().__init__(scope, construct_id)
        self.enablers: dict[str, Inspector2Enabler] = {}
        for region in providers.regions:
            provider = providers.for_region(region)
            admin = Inspector2Enabler(
                self,
                f"admin-{region}",
                account_ids=[admin_account],
                resource_types=RESOURCE_TYPES,
                provider=provider,
            )
            Inspector2OrganizationConfiguration(
                self,
                f"organization-{region}",
                auto_enable=Inspector2OrganizationConfigurationAutoEnable(ec2=True, ecr=True),
                depends_on=[admin],
                provider=provider,
            )
            associations = [
                Inspector2MemberAssociation(
                    self,
                    f"member-{role}-{region}",
                    account_id=account_id,
                    depends_on=[admin],
                    provider=provider,
                )
                for role, account_id in member_accounts.items()
            ]
            self.enablers[region] = Inspector2Enabler(
                self,
                f"members-{region}",
                account_ids=sorted(member_accounts.values()),
                resource_types=RESOURCE_TYPES,
                depends_on=associations,
                provider=provider,
            )


class RegistryScanning(Construct):
    """Scan every image on push with Inspector's enhanced scanning, in every approved region."""

    def __init__(self, scope: Construct, construct_id: str, *, providers: RegionalProviders) -> None:
        super().__init__(scope, construct_id)
        self.configurations = {
            region: EcrRegistryScanningConfiguration(
                self,
                f"registry-{region}",
                scan_type="ENHANCED",
                rule=[
                    EcrRegistryScanningConfigurationRule(
                        scan_frequency="SCAN_ON_PUSH",
                        repository_filter=[
                            EcrRegistryScanningConfigurationRuleRepositoryFilter(
                                filter="*", filter_type="WILDCARD"
                            )
                        ],
                    )
                ],
                provider=providers.for_region(region),
            )
            for region in providers.regions
        }
