"""Inspector and ECR scan-on-push from the estate (DET-4), per account role."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.inspector2_delegated_admin_account import Inspector2DelegatedAdminAccount
from constructs import Construct

from modules.config.models import Estate
from modules.deployment.construct import RegionalProviders
from modules.inspector.construct import Inspector, RegistryScanning, delegate_administrator


def management_delegation(
    scope: Construct, *, estate: Estate, providers: RegionalProviders
) -> dict[str, Inspector2DelegatedAdminAccount]:
    """The audit account as Inspector's delegated administrator, in every approved region."""
    return delegate_administrator(
        scope, admin_account_id=str(estate.organization.accounts.audit.id), providers=providers
    )


def audit_inspector(
    scope: Construct, *, estate: Estate, providers: RegionalProviders, account_id: str
) -> Inspector:
    return Inspector(
        scope,
        "inspector",
        providers=providers,
        admin_account=account_id,
        member_accounts=estate.member_account_ids(),
    )


def environment_scanning(scope: Construct, *, providers: RegionalProviders) -> RegistryScanning:
    return RegistryScanning(scope, "ecr-scanning", providers=providers)
