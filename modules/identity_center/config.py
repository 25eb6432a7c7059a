"""`identity_center:` (organization) and `access:` (environment): job roles as permission sets.

The job-role catalog follows IAM-2: five fixed roles plus `Apps`, the template every application's
`<App>Apps` role is made from.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from modules.core.base import StrictModel
from modules.core.types import Email, SessionDuration

FIXED_JOB_ROLES = ("Administrators", "InfraAdmins", "SecurityAdmins", "IAMAdmins", "Operators")
CoreAccountRole = Literal["management", "log_archive", "audit"]
JobRoleName = Literal["Administrators", "InfraAdmins", "SecurityAdmins", "IAMAdmins", "Operators", "Apps"]


class AccessGrant(StrictModel):
    """IAM-3: a group gets job roles (`Operators`, `BillingApps`, ...) in one account."""

    group: str = Field(min_length=1, description="Group display name or id from identity_center.")
    roles: list[str] = Field(
        min_length=1,
        description="Job roles granted: the fixed five or an application's `<Name>Apps`; each becomes "
        "an account assignment of its permission set.",
    )


class Group(StrictModel):
    """An Identity Center group, named in config so plans never look it up in AWS."""

    name: str = Field(min_length=1, max_length=128, description="Display name.")
    id: str = Field(
        pattern=r"^([0-9a-f]{10}-)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-"
        r"[0-9a-f]{12}$",
        description="Identity store group id.",
    )
    members: list[Email] = Field(
        default_factory=list, description="Who is in the group (IAM-2 asks for at least two Administrators)."
    )


class JobRole(StrictModel):
    """A job role's permission set: policies come from `policies/permission_sets/`, these are its settings."""

    description: str = Field(
        min_length=1, max_length=700, description="The permission set's description, up to 700 characters."
    )
    session_duration: SessionDuration = Field(
        default="PT4H", description="How long a sign-in lasts (ISO 8601 duration)."
    )
    relay_state: str | None = Field(
        default=None,
        pattern=r"^https://",
        description="Console URL (https://) the user lands on after sign-in; null: the console home.",
    )


class IdentityCenterConfig(StrictModel):
    """IAM-1..3: the existing Identity Center instance; named here so plans never look it up."""

    instance_arn: str = Field(
        pattern=r"^arn:aws:sso:::instance/(sso)?ins-[a-zA-Z0-9-.]{16}$",
        description="ARN of the existing instance (arn:aws:sso:::instance/ssoins-...).",
    )
    identity_store_id: str = Field(
        pattern=r"^d-[0-9a-f]{10}$|^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}"
        r"-[0-9a-f]{4}-[0-9a-f]{12}$",
        description="Id of the instance's identity store (d-xxxxxxxxxx).",
    )
    groups: list[Group] = Field(
        min_length=1, description="The groups access grants may name, by display name or id (IAM-3)."
    )
    job_roles: dict[JobRoleName, JobRole] = Field(
        description="The job-role catalog (IAM-2): all five fixed roles and `Apps`, the template of "
        "every application's role."
    )
    account_access: dict[CoreAccountRole, list[AccessGrant]] = Field(
        default_factory=dict,
        description="IAM-3 for the core accounts: e.g. SecurityAdmins in audit, IAMAdmins in management "
        "(where Identity Center assignments are made). Fixed job roles only; environments use `access:`.",
    )
