"""Macie in the audit account (delegated administrator) in every approved region (DET-6).

Per region: Macie enabled in the audit account, auto-enable for new member accounts, and membership
of the existing ones (auto-enable covers new accounts only). The delegation itself is registered from
the management account (`MacieDelegation`, in the organization stack).
"""

from __future__ import annotations

from cdktf_cdktf_provider_aws.macie2_account import Macie2Account
from cdktf_cdktf_provider_aws.macie2_member import Macie2Member
from cdktf_cdktf_provider_aws.macie2_organization_admin_account import Macie2OrganizationAdminAccount
from cdktf_cdktf_provider_aws.macie2_organization_configuration import Macie2OrganizationConfiguration
from constructs import Construct

from modules.deployment.construct import RegionalProviders
from modules.macie.config import MacieConfig


class Macie(Construct):
    """`accounts` by region; `members` by (role, region)."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: MacieConfig,
        providers: RegionalProviders,
        member_accounts: dict[str, tuple[str, str]],
    ) -> None:
        super().__init__(scope, construct_id)
        self.accounts: dict[str, Macie2Account] = {}
        self.members: dict[tuple[str, str], Macie2Member] = {}
        for region in providers.regions:
            provider = providers.for_region(region)
            account = Macie2Account(
                self,
                f"account-{region}",
                status="ENABLED",
                finding_publishing_frequency=config.finding_publishing_frequency,
                provider=provider,
            )
            Macie2OrganizationConfiguration(
                self, f"organization-{region}", auto_enable=True, depends_on=[account], provider=provider
            )
            for role, (account_id, email) in member_accounts.items():
                self.members[(role, region)] = Macie2Member(
                    self,
                    f"member-{role}-{region}",
                    account_id=account_id,
                    email=email,
                    invite=False,
                    status="ENABLED",
                    depends_on=[account],
                    provider=provider,
                )
            self.accounts[region] = account


class MacieDelegation(Construct):
    """In the management account: the audit account administers Macie, per region."""

    def __init__(
        self, scope: Construct, construct_id: str, *, admin_account_id: str, providers: RegionalProviders
    ) -> None:
        super().__init__(scope, construct_id)
        self.admins = {
            region: Macie2OrganizationAdminAccount(
                self,
                f"admin-{region}",
                admin_account_id=admin_account_id,
                provider=providers.for_region(region),
            )
            for region in providers.regions
        }
