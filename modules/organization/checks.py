"""Cross-file checks for accounts, OUs and regions (ORG-1, SCP-2)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from modules.core.findings import Finding, unknown_reference

if TYPE_CHECKING:
    from modules.config.models import Estate

_CORE_ACCOUNT_KEYS = ("management", "log_archive", "audit")


def _account_locations(estate: Estate) -> Iterator[tuple[str, tuple[str, ...], str | None, str]]:
    """(source, loc, id, email) of every account declaration."""
    core = estate.organization.accounts
    for key in _CORE_ACCOUNT_KEYS:
        account = getattr(core, key)
        yield "organization", ("accounts", key), account.id, account.email
    for name, env in estate.environments.items():
        yield name, ("account",), env.account.id, env.account.email


def accounts_are_unique(estate: Estate) -> Iterator[Finding]:
    seen_ids: dict[str, str] = {}
    seen_emails: dict[str, str] = {}
    for source, loc, account_id, email in _account_locations(estate):
        where = f"environment '{source}'" if source != "organization" else f"{loc[-1]} (organization)"
        if account_id is not None:
            if account_id in seen_ids:
                yield Finding(
                    source,
                    (*loc, "id"),
                    f"account id {account_id} is already used by "
                    f"{seen_ids[account_id]} (expected one account per role)",
                )
            seen_ids.setdefault(account_id, where)
        lowered = email.lower()
        if lowered in seen_emails:
            yield Finding(
                source,
                (*loc, "email"),
                f"e-mail {email} is already used by "
                f"{seen_emails[lowered]} (expected a unique root e-mail per account)",
            )
        seen_emails.setdefault(lowered, where)


def environments_reference_declared_ous(estate: Estate) -> Iterator[Finding]:
    known = estate.organization.ou_paths
    for name, env in estate.environments.items():
        if env.organizational_unit not in known:
            yield Finding(
                name, ("organizational_unit",), unknown_reference("OU", env.organizational_unit, known)
            )


def ou_paths_are_unique(estate: Estate) -> Iterator[Finding]:
    seen: set[str] = set()
    for path in estate.organization.ou_paths:
        if path in seen:
            yield Finding(
                "organization",
                ("organizational_units",),
                f"OU '{path}' is declared twice (expected unique OU paths)",
            )
        seen.add(path)


def regions_are_approved(estate: Estate) -> Iterator[Finding]:
    organization = estate.organization
    approved = organization.approved_regions
    if organization.home_region not in approved:
        yield Finding(
            "organization",
            ("home_region",),
            f"home region '{organization.home_region}' "
            f"is not in approved_regions (expected one of: {', '.join(approved)})",
        )
    for name, env in estate.environments.items():
        if env.region not in approved:
            yield Finding(
                name,
                ("region",),
                f"region '{env.region}' is not approved by the "
                f"organization (expected one of: {', '.join(approved)})",
            )


CHECKS = (accounts_are_unique, environments_reference_declared_ous, ou_paths_are_unique, regions_are_approved)
