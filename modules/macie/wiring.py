"""Macie from the estate (DET-6): delegated from the management account, run by the audit account."""

from __future__ import annotations

from constructs import Construct

from modules.config.models import Estate
from modules.deployment.construct import RegionalProviders
from modules.macie.construct import Macie, MacieDelegation


def management_delegation(
    scope: Construct, *, estate: Estate, providers: RegionalProviders
) -> MacieDelegation | None:
    org = estate.organization
    if not org.macie.enabled:
        return None
    return MacieDelegation(
        scope, "macie-admin", admin_account_id=str(org.accounts.audit.id), providers=providers
    )


def audit_macie(scope: Construct, *, estate: Estate, providers: RegionalProviders) -> Macie | None:
    """Macie in every approved region, every other account with an id enabled as a member."""
    org = estate.organization
    if not org.macie.enabled:
        return None
    accounts = estate.accounts()
    members = {role: (id_, accounts[role].email) for role, id_ in estate.member_account_ids().items()}
    return Macie(scope, "macie", config=org.macie, providers=providers, member_accounts=members)
