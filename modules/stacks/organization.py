"""The `organization` stack."""

from __future__ import annotations

from modules.stacks.base import AccountStack


class OrganizationStack(AccountStack):
    """Filled by the concern constructs (see modules/*/construct.py)."""
