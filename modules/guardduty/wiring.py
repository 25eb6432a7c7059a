"""GuardDuty from the estate (DET-1): the audit account runs it as delegated administrator,
designated per region from the management account."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.guardduty_organization_admin_account import GuarddutyOrganizationAdminAccount
from constructs import Construct

from modules.config.models import Estate
from modules.deployment.construct import RegionalProviders
from modules.guardduty.construct import GuardDuty
from modules.organization.construct import Organization, delegate_per_region


def management_delegation(organization: Organization) -> dict[str, GuarddutyOrganizationAdminAccount]:
    return delegate_per_region(organization, "guardduty", GuarddutyOrganizationAdminAccount)


def audit_guardduty(scope: Construct, *, estate: Estate, providers: RegionalProviders) -> GuardDuty:
    return GuardDuty(scope, "guardduty", config=estate.organization.guardduty, providers=providers)
