"""`deployment:` how Terraform reaches each account and where it keeps state."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field

from modules.core.base import StrictModel
from modules.core.types import IamRoleName, Region

# Where `type: local` keeps state (and the emulator target, unless it is given a scratch folder).
LOCAL_STATE_DIR = Path(__file__).resolve().parents[2] / "state"


class LocalBackend(StrictModel):
    """State in `state/<stack>.tfstate` beside the project: for a laptop or the emulator tier."""

    type: Literal["local"] = Field(default="local", description="Selects this backend.")


class S3Backend(StrictModel):
    """Remote state in S3 with Terraform's native lock file (no DynamoDB table needed)."""

    type: Literal["s3"] = Field(description="Selects this backend.")
    bucket: str = Field(
        pattern=r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$",
        description="Existing state bucket (3-63 lower-case letters, digits, dots, dashes); not created.",
    )
    region: Region = Field(description="Region of the state bucket.")
    key_prefix: str = Field(
        default="landing-zone",
        pattern=r"^[A-Za-z0-9_./-]+$",
        description="Each stack's state is the object `<key_prefix>/<stack>.tfstate`.",
    )
    use_lockfile: bool = Field(
        default=True, description="Lock with an S3 lock file beside the state (Terraform >= 1.10)."
    )
    encrypt: bool = Field(default=True, description="Server-side encryption of the state object.")


StateBackend = Annotated[LocalBackend | S3Backend, Field(discriminator="type")]


class DeploymentConfig(StrictModel):
    """How Terraform reaches each account and where it keeps state."""

    role_name: IamRoleName = Field(
        default="LandingZoneDeployer",
        description="Role Terraform assumes in every account; the only principal allowed to "
        "change log-bucket configuration (SCP-1).",
    )
    break_glass_role_names: list[IamRoleName] = Field(
        default_factory=list,
        description="Emergency roles: exempt from the region guardrail (SCP-2), may assume each "
        "account's support role, and no job role may change them (IAM-10).",
    )
    state_backend: StateBackend = Field(
        default_factory=LocalBackend,
        description="Where every stack keeps its Terraform state: `type: local` or `type: s3`.",
    )
