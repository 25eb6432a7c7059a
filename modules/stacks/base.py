"""What every stack has: the target account, providers per approved region, state backend."""

from __future__ import annotations

from pathlib import Path

from cdktf import TerraformStack
from constructs import Construct

from modules.account_baseline.construct import CoreAccountDefaults, DefaultVpcHardening
from modules.account_baseline.placement import default_vpc_mode, gets_core_defaults
from modules.config.models import Estate
from modules.config.topology import LOG_ARCHIVE, ORGANIZATION, SECURITY
from modules.deployment.construct import RegionalProviders, configure_backend, role_arn
from modules.iam_baseline.baseline import analyzer_type, support_principal_arns
from modules.iam_baseline.construct import IamBaseline
from modules.security_hub import wiring as security_hub

# Stack name -> account role (environment stacks are named after their environment, which is the role).
STACK_ROLES = {ORGANIZATION: "management", LOG_ARCHIVE: "log_archive", SECURITY: "audit"}


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
        self.deployment_role_arn = role_arn(account_id, organization.deployment.role_name)
        self.providers = RegionalProviders(
            self,
            deployment=organization.deployment,
            account_id=account_id,
            home_region=home_region,
            regions=organization.approved_regions,
            tags={"lz:estate": organization.name, "lz:stack": stack_name, "lz:managed-by": "landing-zone"},
        )
        configure_backend(self, deployment=organization.deployment, stack_name=stack_name, outdir=outdir)
        # IAM baseline in every account: password policy, MFA-or-nothing, Access Analyzer, support role.
        self.iam_baseline = IamBaseline(
            self,
            "iam-baseline",
            providers=self.providers,
            analyzer_type=analyzer_type(estate, account_id),
            account_id=account_id,
            support_principal_arns=support_principal_arns(estate, account_id),
        )
        self.role = STACK_ROLES.get(stack_name, stack_name)
        # DET-7: Security Hub controls that fail by the baseline's design, disabled with the reason
        # (the audit account's come after its own hub and standards: modules/stacks/security.py).
        if self.role != "audit":
            security_hub.control_exceptions(self, estate=estate, providers=self.providers, role=self.role)
        # NET-7: the default VPC hardened (or removed) in every approved region; core accounts also get
        # EBS encryption by default and the S3 account public access block (DAT-1, DAT-3).
        if default_vpc_mode(estate, self.role) == "harden":
            DefaultVpcHardening(self, "default-vpc", providers=self.providers, log_bucket=estate.log_bucket)
        if gets_core_defaults(self.role):
            CoreAccountDefaults(
                self, "core-account-defaults", providers=self.providers, account_id=account_id
            )
