"""`deployment:` how Terraform reaches each account and where it keeps state."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from modules.core.base import StrictModel
from modules.core.types import IamRoleName, Region


class LocalBackend(StrictModel):
    type: Literal["local"] = "local"


class S3Backend(StrictModel):
    """Remote state in S3 with Terraform's native lock file (no DynamoDB table needed)."""

    type: Literal["s3"]
    bucket: str = Field(pattern=r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
    region: Region
    key_prefix: str = Field(default="landing-zone", pattern=r"^[A-Za-z0-9_./-]+$")
    use_lockfile: bool = True
    encrypt: bool = True


StateBackend = Annotated[LocalBackend | S3Backend, Field(discriminator="type")]


class DeploymentConfig(StrictModel):
    role_name: IamRoleName = Field(
        default="LandingZoneDeployer",
        description="Role Terraform assumes in every account; the only principal allowed to "
        "change log-bucket configuration (SCP-1).",
    )
    break_glass_role_names: list[IamRoleName] = Field(
        default_factory=list, description="Roles exempt from the region guardrail (SCP-2)."
    )
    state_backend: StateBackend = Field(default_factory=LocalBackend)
