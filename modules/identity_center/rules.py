"""Cross-file identity checks: groups and job roles referenced by environments exist (IAM-2/3)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from modules.core.findings import Finding, unknown_reference
from modules.core.rules import rule
from modules.identity_center.config import FIXED_JOB_ROLES, AccessGrant
from modules.identity_center.permission_sets import (
    MAX_PERMISSION_SET_NAME,
    PermissionSetError,
    apps_permission_set_name,
    permission_sets,
)

if TYPE_CHECKING:
    from modules.config.models import EnvironmentConfig, Estate

MIN_ADMINISTRATORS = 2


@rule("LZ_RULE_IDC_001")
def job_role_catalog_is_complete(estate: Estate) -> Iterator[Finding]:
    """The job role catalog defines every fixed job role and the Apps role the permission sets need."""
    catalog = estate.organization.identity_center.job_roles
    for role in (*FIXED_JOB_ROLES, "Apps"):
        if role not in catalog:
            yield Finding(
                "organization",
                ("identity_center", "job_roles"),
                f"job role '{role}' is missing from the catalog (expected all of: "
                f"{', '.join((*FIXED_JOB_ROLES, 'Apps'))}; IAM-2)",
            )


@rule("LZ_RULE_IDC_005")
def groups_are_unique(estate: Estate) -> Iterator[Finding]:
    """Identity Center group names and IDs are unique."""
    seen_names: set[str] = set()
    seen_ids: set[str] = set()
    for index, group in enumerate(estate.organization.identity_center.groups):
        if group.name in seen_names:
            yield Finding(
                "organization",
                ("identity_center", "groups", index, "name"),
                f"group '{group.name}' is declared twice (expected unique names)",
            )
        if group.id in seen_ids:
            yield Finding(
                "organization",
                ("identity_center", "groups", index, "id"),
                f"group id {group.id} is declared twice (expected unique ids)",
            )
        seen_names.add(group.name)
        seen_ids.add(group.id)


def environment_roles(env: EnvironmentConfig) -> list[str]:
    """Job roles that exist in an environment: the fixed five plus `<App>Apps` per application."""
    return [*FIXED_JOB_ROLES, *(app.role_name for app in env.applications)]


@dataclass(frozen=True)
class GrantList:
    """The grants of one account: an environment's `access`, or a core account's `account_access`."""

    source: str  # file: "organization" or the environment name
    loc: tuple[str, ...]
    grants: list[AccessGrant]
    roles: list[str]  # job roles that exist in that account


def grant_lists(estate: Estate) -> Iterator[GrantList]:
    for name, env in estate.environments.items():
        yield GrantList(name, ("access",), env.access, environment_roles(env))
    for role, grants in estate.organization.identity_center.account_access.items():
        yield GrantList(
            "organization", ("identity_center", "account_access", role), grants, [*FIXED_JOB_ROLES]
        )


@rule("LZ_RULE_IDC_006")
def access_references_resolve(estate: Estate) -> Iterator[Finding]:
    """Every access grant names a declared group and a job role of the catalog."""
    groups = estate.organization.identity_center.groups
    known_groups = [group.name for group in groups]
    group_ids = {group.id for group in groups}
    for grants in grant_lists(estate):
        for index, grant in enumerate(grants.grants):
            if grant.group not in known_groups and grant.group not in group_ids:
                yield Finding(
                    grants.source,
                    (*grants.loc, index, "group"),
                    unknown_reference("group", grant.group, known_groups),
                )
            for role_index, role in enumerate(grant.roles):
                if role not in grants.roles:
                    yield Finding(
                        grants.source,
                        (*grants.loc, index, "roles", role_index),
                        unknown_reference("job role", role, grants.roles),
                    )


@rule("LZ_RULE_IDC_007")
def applications_are_unique(estate: Estate) -> Iterator[Finding]:
    """Application names are unique within an environment (each gets its own permission set)."""
    for name, env in estate.environments.items():
        seen: set[str] = set()
        for index, app in enumerate(env.applications):
            if app.name in seen:
                yield Finding(
                    name,
                    ("applications", index, "name"),
                    f"application '{app.name}' is declared twice (expected unique names)",
                )
            seen.add(app.name)


def _people(count: int) -> str:
    return f"{count} person" if count == 1 else f"{count} people"


@rule("LZ_RULE_IDC_008")
def administrators_have_two_people(estate: Estate) -> Iterator[Finding]:
    """IAM-2: Administrators are held by at least two people in every environment account, and
    wherever a core account grants them.

    Too few people is reported at the grant and at each granted group's members: the change may
    have been either (a grant in an environment, or a member removed in organization.yaml).
    """
    declared = estate.organization.identity_center.groups
    index_of = {g.name: i for i, g in enumerate(declared)} | {g.id: i for i, g in enumerate(declared)}
    short: dict[int, list[str]] = {}  # group index -> accounts where it holds too few
    for grant_list in grant_lists(estate):
        grants = [(i, g) for i, g in enumerate(grant_list.grants) if "Administrators" in g.roles]
        if not grants:
            if grant_list.source != "organization":
                yield Finding(
                    grant_list.source,
                    grant_list.loc,
                    f"no group holds Administrators in this account (expected a grant to groups with at "
                    f"least {MIN_ADMINISTRATORS} people; IAM-2)",
                )
            continue
        groups = [index_of[g.group] for _, g in grants if g.group in index_of]
        members = sorted({m.lower() for i in groups for m in declared[i].members})
        if len(members) >= MIN_ADMINISTRATORS:
            continue
        who = f" ({', '.join(members)})" if members else ""
        yield Finding(
            grant_list.source,
            (*grant_list.loc, grants[0][0], "group"),
            f"Administrators are held by {_people(len(members))}{who} (expected at least "
            f"{MIN_ADMINISTRATORS} members in the granted groups; IAM-2)",
        )
        account = grant_list.source if grant_list.source != "organization" else grant_list.loc[-1]
        for index in groups:
            short.setdefault(index, []).append(str(account))
    for index, accounts in sorted(short.items()):
        group = declared[index]
        people = _people(len({member.lower() for member in group.members}))
        yield Finding(
            "organization",
            ("identity_center", "groups", index, "members"),
            f"group '{group.name}' has {people} and holds Administrators in "
            f"{', '.join(sorted(set(accounts)))} (expected at least {MIN_ADMINISTRATORS} people; IAM-2)",
        )


@rule("LZ_RULE_IDC_002")
def permission_set_names_fit(estate: Estate) -> Iterator[Finding]:
    """`<App>Apps-<Stage>` must stay within Identity Center's 32-character permission set names."""
    for name, env in estate.environments.items():
        for index, app in enumerate(env.applications):
            permission_set = apps_permission_set_name(app.name, env.stage)
            if len(permission_set) > MAX_PERMISSION_SET_NAME:
                yield Finding(
                    name,
                    ("applications", index, "name"),
                    f"permission set name '{permission_set}' has {len(permission_set)} characters "
                    f"(expected at most {MAX_PERMISSION_SET_NAME}; shorten the application name)",
                )


@rule("LZ_RULE_IDC_003")
def grants_are_unique(estate: Estate) -> Iterator[Finding]:
    """The same group given the same role twice in one environment would be one assignment twice."""
    groups = estate.organization.identity_center.groups
    canonical = {g.name: g.name for g in groups} | {g.id: g.name for g in groups}
    for grants in grant_lists(estate):
        seen: set[tuple[str, str]] = set()
        for index, grant in enumerate(grants.grants):
            group = canonical.get(grant.group, grant.group)
            for role_index, role in enumerate(grant.roles):
                if (group, role) in seen:
                    yield Finding(
                        grants.source,
                        (*grants.loc, index, "roles", role_index),
                        f"group '{group}' is granted '{role}' twice (expected each role once per group)",
                    )
                seen.add((group, role))


@rule("LZ_RULE_IDC_004")
def permission_set_policies_render(estate: Estate) -> Iterator[Finding]:
    """Every template in policies/permission_sets/ renders to a valid inline policy for this estate."""
    catalog = estate.organization.identity_center.job_roles
    if any(role not in catalog for role in (*FIXED_JOB_ROLES, "Apps")):
        return  # reported by job_role_catalog_is_complete
    try:
        permission_sets(estate)
    except PermissionSetError as error:
        yield Finding("organization", ("identity_center", "job_roles"), str(error))
