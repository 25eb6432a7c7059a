"""`account_baseline.accounts` names accounts that exist."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from modules.core.findings import Finding, unknown_reference

if TYPE_CHECKING:
    from modules.config.models import Estate


def overrides_name_accounts(estate: Estate) -> Iterator[Finding]:
    roles = list(estate.accounts())
    for role in estate.organization.account_baseline.accounts:
        if role not in roles:
            yield Finding(
                "organization",
                ("account_baseline", "accounts", role),
                unknown_reference("account", role, roles),
            )


CHECKS = (overrides_name_accounts,)
