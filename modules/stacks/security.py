"""The `security` stack."""

from __future__ import annotations

from modules.stacks.base import AccountStack


class SecurityStack(AccountStack):
    """Filled by the concern constructs (see modules/*/construct.py)."""
