"""The `log-archive` stack."""

from __future__ import annotations

from modules.stacks.base import AccountStack


class LogArchiveStack(AccountStack):
    """Filled by the concern constructs (see modules/*/construct.py)."""
