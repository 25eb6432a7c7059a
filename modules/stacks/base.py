"""What every stack has: the target account, providers per approved region, state backend."""

from __future__ import annotations

from pathlib import Path

from cdktf import TerraformStack
from constructs import Construct

from modules.config.models import Estate
from modules.deployment.construct import RegionalProviders, configure_backend
from modules.iam_baseline.baseline import analyzer_type
from modules.iam_baseline.construct import IamBaseline


class AccountStack(TerraformStack):
    """A stack deployed into one account; `self.providers` reaches every approved region."""

    def __init__(
        self,
        scope: Construct,
        stack_name: str,
        *,
        estate: Estate,
        account_id: str,
        home_region: str,
        outdir: Path,
    ) -> None:
        super().__init__(scope, stack_name)
        organization = estate.organization
        self.estate = estate
        self.account_id = account_id
        self.providers = RegionalProviders(
            self,
            deployment=organization.deployment,
            account_id=account_id,
            home_region=home_region,
            regions=organization.approved_regions,
            tags={"lz:estate": organization.name, "lz:stack": stack_name, "lz:managed-by": "landing-zone"},
        )
        configure_backend(self, deployment=organization.deployment, stack_name=stack_name, outdir=outdir)
        # Issue 5: IAM baseline in every account (password policy, MFA-or-nothing, Access Analyzer).
        self.iam_baseline = IamBaseline(
            self, "iam-baseline", providers=self.providers, analyzer_type=analyzer_type(estate, account_id)
        )
