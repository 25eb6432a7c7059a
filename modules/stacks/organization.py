"""The `organization` stack: the management account's organization, guardrails and delegation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from constructs import Construct

from modules.identity_center.construct import IdentityCenter
from modules.organization.construct import Organization
from modules.stacks import detection
from modules.stacks.base import AccountStack


class OrganizationStack(AccountStack):
    """ORG-1..5 and SCP-1..6; see modules/organization/README.md."""

    def __init__(self, scope: Construct, stack_name: str, *, outdir: Path, **common: Any) -> None:
        super().__init__(scope, stack_name, outdir=outdir, **common)
        self.organization = Organization(self, "organization", estate=self.estate, providers=self.providers)
        # Identity Center permission sets per job role and assignments per environment (IAM-2/3)
        self.identity_center = IdentityCenter(
            self, "identity-center", estate=self.estate, account_ids=self.organization.account_ids
        )
        # Organization trail, DET-3 alarms on its log group, Config, Inspector delegation
        detection.management_detection(self)
