"""GuardDuty from the estate (DET-1): the audit account runs it as delegated administrator.

The delegation itself is registered from the management account by modules/organization.
"""

from __future__ import annotations

from constructs import Construct

from modules.config.models import Estate
from modules.deployment.construct import RegionalProviders
from modules.guardduty.construct import GuardDuty


def audit_guardduty(scope: Construct, *, estate: Estate, providers: RegionalProviders) -> GuardDuty:
    return GuardDuty(scope, "guardduty", config=estate.organization.guardduty, providers=providers)
