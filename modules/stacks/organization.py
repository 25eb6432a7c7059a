"""The `organization` stack: the management account's organization, guardrails and delegation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from constructs import Construct

from modules.alarms import wiring as alarms
from modules.aws_config import wiring as aws_config
from modules.cloudtrail import wiring as cloudtrail
from modules.guardduty import wiring as guardduty
from modules.identity_center.construct import IdentityCenter
from modules.inspector import wiring as inspector
from modules.macie import wiring as macie
from modules.organization.construct import Organization
from modules.security_hub import wiring as security_hub
from modules.stacks.base import AccountStack


class OrganizationStack(AccountStack):
    """ORG-1..8, SCP-1..6, IAM-2/3/9, LOG-1/2/7, DET-3; see modules/organization/README.md."""

    def __init__(self, scope: Construct, stack_name: str, *, outdir: Path, **common: Any) -> None:
        super().__init__(scope, stack_name, outdir=outdir, **common)
        estate, providers, region = self.estate, self.providers, self.providers.home_region
        # OUs, accounts, guardrails, perimeter, delegation through Organizations
        self.organization = Organization(self, "organization", estate=estate, providers=providers)
        # Permission sets per job role and assignments per environment (IAM-2/3)
        self.identity_center = IdentityCenter(
            self, "identity-center", estate=estate, account_ids=self.organization.account_ids
        )
        # The organization trail (LOG-1, LOG-2, LOG-7) and the DET-3 alarms on its log group
        trail_log_group = cloudtrail.management_trail(
            self,
            estate=estate,
            account_id=self.account_id,
            region=region,
            deployment_role_arn=self.deployment_role_arn,
        )
        self.alarms = alarms.management_alarms(
            self,
            estate=estate,
            account_id=self.account_id,
            region=region,
            deployment_role_arn=self.deployment_role_arn,
            log_group_name=trail_log_group,
        )
        self.aws_config = aws_config.recorder(self, estate=estate, providers=providers, role=self.role)
        # The audit account administers GuardDuty, Security Hub, Macie and Inspector (DET-1, 2, 4, 6)
        self.guardduty_delegation = guardduty.management_delegation(self.organization)
        self.security_hub_delegation = security_hub.management_delegation(self.organization)
        self.macie_delegation = macie.management_delegation(self, estate=estate, providers=providers)
        self.inspector_delegation = inspector.management_delegation(self, estate=estate, providers=providers)
