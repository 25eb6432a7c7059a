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
    roles: list[str] = Field(min_length=1)


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
    description: str = Field(min_length=1, max_length=700)
    session_duration: SessionDuration = "PT4H"
    relay_state: str | None = Field(default=None, pattern=r"^https://")


class IdentityCenterConfig(StrictModel):
    instance_arn: str = Field(pattern=r"^arn:aws:sso:::instance/(sso)?ins-[a-zA-Z0-9-.]{16}$")
    identity_store_id: str = Field(
        pattern=r"^d-[0-9a-f]{10}$|^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}"
        r"-[0-9a-f]{4}-[0-9a-f]{12}$"
    )
    groups: list[Group] = Field(min_length=1)
    job_roles: dict[JobRoleName, JobRole]
    account_access: dict[CoreAccountRole, list[AccessGrant]] = Field(
        default_factory=dict,
        description="IAM-3 for the core accounts: e.g. SecurityAdmins in audit, IAMAdmins in management "
        "(where Identity Center assignments are made). Fixed job roles only; environments use `access:`.",
    )
