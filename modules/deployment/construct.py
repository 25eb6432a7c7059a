"""Providers and state backend for a stack: assume-role into the target account, one alias per region.

Regions are fanned out by a loop over config, never by copy-paste: `providers.for_region(r)`.
"""

from __future__ import annotations

import os
from pathlib import Path

from cdktf import LocalBackend, S3Backend, TerraformStack
from cdktf_cdktf_provider_aws.provider import (
    AwsProvider,
    AwsProviderAssumeRole,
    AwsProviderDefaultTags,
)

from modules.deployment.config import LOCAL_STATE_DIR, DeploymentConfig
from modules.deployment.config import S3Backend as S3BackendConfig


def role_arn(account_id: str, role_name: str) -> str:
    return f"arn:aws:iam::{account_id}:role/{role_name}"


class RegionalProviders:
    """The stack's AWS providers: the default one in `home_region`, an alias for every other region."""

    def __init__(
        self,
        stack: TerraformStack,
        *,
        deployment: DeploymentConfig,
        account_id: str,
        home_region: str,
        regions: list[str],
        tags: dict[str, str],
    ) -> None:
        self.home_region = home_region
        self._providers: dict[str, AwsProvider] = {}
        for region in [home_region, *[r for r in regions if r != home_region]]:
            self._providers[region] = AwsProvider(
                stack,
                "aws" if region == home_region else f"aws-{region}",
                region=region,
                alias=None if region == home_region else region,
                allowed_account_ids=[account_id],
                assume_role=[
                    AwsProviderAssumeRole(
                        role_arn=role_arn(account_id, deployment.role_name),
                        session_name="landing-zone",
                    )
                ],
                default_tags=[AwsProviderDefaultTags(tags=tags)],
            )

    @property
    def regions(self) -> list[str]:
        return list(self._providers)

    @property
    def default(self) -> AwsProvider:
        return self._providers[self.home_region]

    def for_region(self, region: str) -> AwsProvider:
        return self._providers[region]


def configure_backend(
    stack: TerraformStack, *, deployment: DeploymentConfig, stack_name: str, outdir: Path
) -> None:
    backend = deployment.state_backend
    if isinstance(backend, S3BackendConfig):
        S3Backend(
            stack,
            bucket=backend.bucket,
            key=f"{backend.key_prefix}/{stack_name}.tfstate",
            region=backend.region,
            encrypt=backend.encrypt,
        )
        # Terraform >= 1.10 native S3 locking; the binding predates the argument.
        stack.add_override("terraform.backend.s3.use_lockfile", backend.use_lockfile)
        return
    # State next to the project, as CDKTF does by default, but relative so output is portable.
    stack_dir = outdir.resolve() / "stacks" / stack_name
    state = Path(os.path.relpath(LOCAL_STATE_DIR / f"{stack_name}.tfstate", stack_dir))
    LocalBackend(stack, path=str(state))
