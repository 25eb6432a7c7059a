"""Which accounts get what of the account baseline (pure: the stacks and the tests share it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from modules.config.models import Estate

CORE_ROLES = ("management", "log_archive", "audit")


def default_vpc_mode(estate: Estate, role: str) -> str:
    """harden, remove, or absent: Account Factory deletes the default VPC of the accounts it
    creates in control_tower mode, and `aws_default_vpc` would create a new one."""
    account = estate.accounts()[role]
    if estate.control_tower_mode and account.id is None:
        return "absent"
    baseline = estate.organization.account_baseline
    return baseline.accounts.get(role, baseline.default_vpc)


def gets_core_defaults(role: str) -> bool:
    """Environment accounts get EBS encryption and the S3 public access block from `hardening:`."""
    return role in CORE_ROLES
