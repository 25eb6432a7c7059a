"""`account_baseline.accounts` names accounts that exist."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from modules.core.findings import Finding, unknown_reference
from modules.core.rules import rule

if TYPE_CHECKING:
    from modules.config.models import Estate


@rule("LZ_RULE_ACC_001")
def overrides_name_accounts(estate: Estate) -> Iterator[Finding]:
    """Per-account baseline overrides name accounts the estate has."""
    roles = list(estate.accounts())
    for role in estate.organization.account_baseline.accounts:
        if role not in roles:
            yield Finding(
                "organization",
                ("account_baseline", "accounts", role),
                unknown_reference("account", role, roles),
            )
