"""Security Hub from the estate (DET-2, DET-7): the hub in the audit account, the control
exceptions in every account, the audit account designated per region from the management account."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.securityhub_organization_admin_account import (
    SecurityhubOrganizationAdminAccount,
)
from constructs import Construct

from modules.config.models import Estate
from modules.deployment.construct import RegionalProviders
from modules.organization.construct import Organization, delegate_per_region
from modules.security_hub.construct import ControlExceptions, SecurityHub
from modules.security_hub.exceptions import account_exceptions


def management_delegation(organization: Organization) -> dict[str, SecurityhubOrganizationAdminAccount]:
    return delegate_per_region(organization, "securityhub", SecurityhubOrganizationAdminAccount)


def audit_hub(scope: Construct, *, estate: Estate, providers: RegionalProviders) -> SecurityHub:
    """The hub and its standards, then the audit account's own control exceptions on them."""
    hub = SecurityHub(
        scope,
        "security-hub",
        config=estate.organization.security_hub,
        providers=providers,
        member_accounts=estate.member_account_ids(),
    )
    control_exceptions(scope, estate=estate, providers=providers, role="audit", after=hub)
    return hub


def control_exceptions(
    scope: Construct,
    *,
    estate: Estate,
    providers: RegionalProviders,
    role: str,
    after: SecurityHub | None = None,
) -> ControlExceptions:
    """DET-7: the controls that fail by the baseline's design, disabled with the reason. In the
    audit account they wait for its own hub's standards (`after`)."""
    return ControlExceptions(
        scope,
        "security-hub-exceptions",
        exceptions=account_exceptions(estate, role),
        providers=providers,
        depends_on=list(after.standards.values()) if after else None,
    )
