"""The job-role mapping table: role -> permission set -> policies -> groups per environment account.

`lz roles` prints it; modules/identity_center/README.md embeds it and a test keeps it current.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from modules.identity_center.permission_sets import assignments, ordered_environments, permission_sets

if TYPE_CHECKING:
    from modules.config.models import Estate

TABLE_BEGIN = "<!-- lz roles: begin -->"
TABLE_END = "<!-- lz roles: end -->"


def _environment_header(name: str, account_id: str | None) -> str:
    return f"{name} ({account_id})" if account_id else f"{name} (pending)"


def role_table(estate: Estate) -> list[list[str]]:
    """Header row, then one row per permission set; account cells list the assigned groups."""
    accounts = estate.accounts()
    core = [
        role
        for role in ("management", "log_archive", "audit")
        if role in estate.organization.identity_center.account_access
    ]
    envs = [*core, *(env.name for env in ordered_environments(estate))]
    header = [
        "Job role",
        "Permission set",
        "Session",
        "Managed policies",
        "Inline policy",
        *(_environment_header(name, accounts[name].id) for name in envs),
    ]
    granted: dict[tuple[str, str], list[str]] = {}
    for assignment in assignments(estate):
        granted.setdefault((assignment.permission_set, assignment.environment), []).append(
            assignment.group_name
        )
    rows = [header]
    for permission_set in permission_sets(estate):
        role = f"{permission_set.application}Apps" if permission_set.application else permission_set.job_role
        rows.append(
            [
                role,
                permission_set.name,
                permission_set.session_duration,
                ", ".join(permission_set.managed_policies) or "-",
                f"{permission_set.template}.json.j2" if permission_set.template else "-",
                *(", ".join(granted.get((permission_set.name, env), [])) or "-" for env in envs),
            ]
        )
    return rows


def render_markdown(rows: list[list[str]]) -> str:
    lines = [f"| {' | '.join(rows[0])} |", f"|{'---|' * len(rows[0])}"]
    lines.extend(f"| {' | '.join(row)} |" for row in rows[1:])
    return "\n".join(lines) + "\n"


def readme_section(estate: Estate) -> str:
    """The README block between the markers, as `lz roles` prints it for the sample."""
    return f"{TABLE_BEGIN}\n{render_markdown(role_table(estate))}{TABLE_END}\n"
