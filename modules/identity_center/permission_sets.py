"""Permission sets and account assignments of an estate, as plain data (IAM-2/3).

Pure Python (Jinja2 + json, no cdktf): `lz validate`, `lz roles`, the tests and the construct all
go through `permission_sets(estate)` and `assignments(estate)`, so what is checked is what is
deployed. Policies are templates in `policies/permission_sets/`; one inline policy per job role
(`<kebab-role>.json.j2`, optional), AWS managed policies per role in `managed-policies.yaml`,
shared action lists in `action-groups.yaml`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
import yaml

from modules.core.policy_eval import PolicyError, validate_policy
from modules.core.policy_templates import DESCRIPTION, compiled, minify, sid_problem
from modules.identity_center.config import FIXED_JOB_ROLES, AccessGrant

if TYPE_CHECKING:
    from modules.config.models import Application, EnvironmentConfig, Estate

POLICY_DIR = Path(__file__).resolve().parents[2] / "policies" / "permission_sets"
TEMPLATE_SUFFIX = ".json.j2"
AWS_MANAGED_POLICY_PREFIX = "arn:aws:iam::aws:policy/"
# Identity Center quotas: permission set names; the inline policy (it becomes an IAM role inline policy).
MAX_PERMISSION_SET_NAME = 32
MAX_INLINE_POLICY_CHARS = 10_240
# The tag that scopes `<App>Apps` to its application's resources.
APPLICATION_TAG = "lz:application"
STAGE_SUFFIX = {"production": "Prod", "staging": "Stg", "development": "Dev"}
STAGES = tuple(STAGE_SUFFIX)
# Roles AWS or Control Tower manage in every account: nobody but Administrators may touch them.
AWS_PROTECTED_ROLES = (
    "aws-reserved/sso.amazonaws.com/*",
    "AWSControlTowerExecution",
    "OrganizationAccountAccessRole",
)

# Opening markers only: "}}" is ordinary JSON (nested objects closing).
_LEFTOVER = re.compile(r"\{\{|\{%|\{#")


class PermissionSetError(ValueError):
    """A template that does not render to a valid inline policy; the message names the template."""


@dataclass(frozen=True)
class PermissionSet:
    """One `aws_ssoadmin_permission_set` with its policies, rendered from config and templates."""

    name: str
    job_role: str  # catalog key: a fixed role or "Apps"
    description: str
    session_duration: str
    relay_state: str | None
    managed_policies: tuple[str, ...]  # paths under arn:aws:iam::aws:policy/
    inline_policy: dict[str, Any] | None
    template: str | None
    application: str | None = None
    stage: str | None = None

    @property
    def managed_policy_arns(self) -> list[str]:
        return [AWS_MANAGED_POLICY_PREFIX + path for path in self.managed_policies]

    @property
    def inline_policy_text(self) -> str | None:
        """The inline policy as deployed: whitespace-minified, which is how AWS counts its size."""
        return None if self.inline_policy is None else minify(self.inline_policy)

    @property
    def tags(self) -> dict[str, str]:
        tags = {"lz:job-role": self.job_role}
        if self.job_role == "Administrators":
            tags["lz:break-glass"] = "true"  # IAM-2: everything, not for daily use
        if self.application is not None:
            tags[APPLICATION_TAG] = self.application
        if self.stage is not None:
            tags["lz:stage"] = self.stage
        return tags


@dataclass(frozen=True)
class Assignment:
    """Group -> permission set -> account, from one `access` grant of one environment."""

    environment: str  # environment name, or core account role (management, log_archive, audit)
    account_id: str | None  # None until the organization stack has created the account
    group_name: str
    group_id: str
    job_role: str  # as written in the grant: "Operators", "BillingApps"
    permission_set: str

    @property
    def address(self) -> str:
        """Terraform name: readable and stable (environment, group, permission set)."""
        return terraform_name(f"{self.environment}_{self.group_name}_{self.permission_set}")


def terraform_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "_", text)


def template_name(job_role: str) -> str:
    """`InfraAdmins` -> `infra-admins`, `IAMAdmins` -> `iam-admins`, `Apps` -> `apps`."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "-", job_role).lower()


def apps_permission_set_name(application: str, stage: str) -> str:
    """One per application and stage (production is narrower than development): `BillingApps-Prod`."""
    return f"{application}Apps-{STAGE_SUFFIX[stage]}"


# --- templates ---------------------------------------------------------------------------------


@cache
def managed_policy_catalog(directory: Path = POLICY_DIR) -> dict[str, tuple[str, ...]]:
    data = yaml.safe_load((directory / "managed-policies.yaml").read_text(encoding="utf-8")) or {}
    return {role: tuple(paths) for role, paths in data.items()}


@cache
def action_groups(directory: Path = POLICY_DIR) -> dict[str, list[str]]:
    data = yaml.safe_load((directory / "action-groups.yaml").read_text(encoding="utf-8")) or {}
    return {name: list(actions) for name, actions in data.items()}


# Roles InfraAdmins may pass to services: workload roles by path, and AWS's service roles. Never
# any other role, so a passed role cannot do more than the workloads may (no PassRole escalation).
PASSABLE_ROLE_PATHS = ("workload/", "service-role/")
# Job roles nobody may assign or join by self-service (IAMAdmins in the management account, where
# no SCP applies): an assignment or group membership of these is an escalation.
PRIVILEGED_JOB_ROLES = ("Administrators", "IAMAdmins")
# AWS managed policies granting administrator power: IAMAdmins never attach them.
PRIVILEGED_POLICIES = ("AdministratorAccess", "IAMFullAccess", "PowerUserAccess")


def privileged_group_arns(estate: Estate) -> list[str]:
    """Identity Center groups granted a privileged job role anywhere (core accounts or environments)."""
    groups = estate.organization.identity_center.groups
    by_key = {group.name: group for group in groups} | {group.id: group for group in groups}
    grants = [g for grants in estate.organization.identity_center.account_access.values() for g in grants]
    grants += [g for env in estate.environments.values() for g in env.access]
    ids = sorted(
        {
            by_key[grant.group].id
            for grant in grants
            if grant.group in by_key and set(grant.roles) & set(PRIVILEGED_JOB_ROLES)
        }
    )
    return [f"arn:aws:identitystore::*:group/{group_id}" for group_id in ids] or [
        "arn:aws:identitystore::*:group/none"
    ]


def _common_variables(estate: Estate) -> dict[str, Any]:
    return {
        "protected_role_arns": protected_role_arns(estate),
        "passable_role_arns": [f"arn:aws:iam::*:role/{path}*" for path in PASSABLE_ROLE_PATHS],
        "privileged_job_roles": list(PRIVILEGED_JOB_ROLES),
        "privileged_group_arns": privileged_group_arns(estate),
        "privileged_policy_arns": [AWS_MANAGED_POLICY_PREFIX + name for name in PRIVILEGED_POLICIES],
    }


def protected_role_arns(estate: Estate) -> list[str]:
    deployment = estate.organization.deployment
    names = [deployment.role_name, *deployment.break_glass_role_names, *AWS_PROTECTED_ROLES]
    return [f"arn:aws:iam::*:role/{name}" for name in dict.fromkeys(names)]


def render_inline_policy(
    job_role: str, variables: dict[str, Any], directory: Path = POLICY_DIR
) -> tuple[str | None, dict[str, Any] | None]:
    """(template name, document) for a job role, or (None, None) when it has no template."""
    name = template_name(job_role)
    path = directory / f"{name}{TEMPLATE_SUFFIX}"
    if not path.is_file():
        return None, None
    source = path.read_text(encoding="utf-8")
    if not DESCRIPTION.match(source):
        raise PermissionSetError(
            f"permission set template '{name}' must start with {{#- description: ... -#}}"
        )
    try:
        text = compiled(source).render(action_groups=action_groups(directory), **variables)
    except jinja2.TemplateError as error:
        raise PermissionSetError(f"permission set template '{name}' does not render: {error}") from None
    return name, check_inline_policy(name, text)


def check_inline_policy(name: str, text: str) -> dict[str, Any]:
    """Valid JSON, no template syntax left, a well-formed policy, unique Sids, within the size limit."""
    leftover = _LEFTOVER.search(text)
    if leftover:
        raise PermissionSetError(
            f"inline policy '{name}' still contains '{leftover.group()}' after rendering"
        )
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise PermissionSetError(
            f"inline policy '{name}' is not valid JSON: {error.msg} at line {error.lineno}"
        ) from None
    if not isinstance(document, dict) or document.get("Version") != "2012-10-17":
        raise PermissionSetError(f'inline policy \'{name}\' needs "Version": "2012-10-17" at the top level')
    try:
        validate_policy(document)
    except PolicyError as error:
        raise PermissionSetError(f"inline policy '{name}' is not a valid policy: {error}") from None
    problem = sid_problem(document["Statement"])
    if problem:
        raise PermissionSetError(f"inline policy '{name}': {problem}")
    size = len(minify(document))
    if size > MAX_INLINE_POLICY_CHARS:
        raise PermissionSetError(
            f"inline policy '{name}' is {size} characters minified "
            f"(expected at most {MAX_INLINE_POLICY_CHARS})"
        )
    return document


# --- the estate's permission sets and assignments ------------------------------------------------


def _build(
    estate: Estate, name: str, job_role: str, variables: dict[str, Any], **extra: str
) -> PermissionSet:
    spec = estate.organization.identity_center.job_roles[job_role]  # type: ignore[index]
    template, policy = render_inline_policy(job_role, variables)
    return PermissionSet(
        name=name,
        job_role=job_role,
        description=spec.description,
        session_duration=spec.session_duration,
        relay_state=spec.relay_state,
        managed_policies=managed_policy_catalog().get(job_role, ()),
        inline_policy=policy,
        template=template,
        **extra,
    )


def _apps_variables(app: Application, stage: str) -> dict[str, Any]:
    return {
        "application": app.name,
        "stage": stage,
        "tag_key": APPLICATION_TAG,
        "name_prefix": f"{app.name.lower()}-",
    }


def permission_sets(estate: Estate) -> list[PermissionSet]:
    """The fixed job roles, then `<App>Apps` per application and stage, in a stable order.

    Raises `PermissionSetError` for a broken template (`lz validate` reports it as a finding).
    """
    common = _common_variables(estate)
    found = [_build(estate, role, role, common) for role in FIXED_JOB_ROLES]
    apps = {(app.name, env.stage): app for env in ordered_environments(estate) for app in env.applications}
    for (app_name, stage), app in sorted(
        apps.items(), key=lambda item: (item[0][0], STAGES.index(item[0][1]))
    ):
        variables = {**common, **_apps_variables(app, stage)}
        name = apps_permission_set_name(app_name, stage)
        found.append(_build(estate, name, "Apps", variables, application=app_name, stage=stage))
    return found


def ordered_environments(estate: Estate) -> list[EnvironmentConfig]:
    """Production first, then staging, then development; by name within a stage."""
    return sorted(estate.environments.values(), key=lambda env: (STAGES.index(env.stage), env.name))


def assignments(estate: Estate) -> list[Assignment]:
    """Every `access` grant of every environment, groups resolved by display name or id."""
    groups = estate.organization.identity_center.groups
    by_key = {group.name: group for group in groups} | {group.id: group for group in groups}
    found: list[Assignment] = []
    for target, account_id, grants, names in _grants_per_account(estate):
        for grant in grants:
            group = by_key.get(grant.group)
            if group is None:  # reported by checks.access_references_resolve
                continue
            found.extend(
                Assignment(target, account_id, group.name, group.id, role, names.get(role, role))
                for role in grant.roles
            )
    return found


def _grants_per_account(
    estate: Estate,
) -> Iterator[tuple[str, str | None, list[AccessGrant], dict[str, str]]]:
    """(account role or environment, account id, grants, role -> permission set where they differ)."""
    accounts = estate.accounts()
    for role, grants in estate.organization.identity_center.account_access.items():
        yield role, accounts[role].id, grants, {}
    for env in ordered_environments(estate):
        apps = {app.role_name: apps_permission_set_name(app.name, env.stage) for app in env.applications}
        yield env.name, env.account.id, env.access, apps
