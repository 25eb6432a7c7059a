"""The `security` stack (audit account): detection services as delegated administrator."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from constructs import Construct

from modules.aws_config import wiring as aws_config
from modules.guardduty import wiring as guardduty
from modules.inspector import wiring as inspector
from modules.macie import wiring as macie
from modules.notifications import wiring as notifications
from modules.security_hub import wiring as security_hub
from modules.stacks.base import AccountStack


class SecurityStack(AccountStack):
    """DET-1, DET-2, DET-4, DET-6, DET-7, CFG-1..4; see the concerns' READMEs."""

    def __init__(self, scope: Construct, stack_name: str, *, outdir: Path, **common: Any) -> None:
        super().__init__(scope, stack_name, outdir=outdir, **common)
        estate, providers = self.estate, self.providers
        self.guardduty = guardduty.audit_guardduty(self, estate=estate, providers=providers)
        self.security_hub = security_hub.audit_hub(self, estate=estate, providers=providers)
        self.macie = macie.audit_macie(self, estate=estate, providers=providers)
        self.inspector = inspector.audit_inspector(
            self, estate=estate, providers=providers, account_id=self.account_id
        )
        self.notifications = notifications.audit_notifications(
            self,
            estate=estate,
            providers=providers,
            account_id=self.account_id,
            deployment_role_arn=self.deployment_role_arn,
        )
        self.config_aggregator = aws_config.audit_aggregator(self, estate=estate, providers=providers)
        self.aws_config = aws_config.recorder(self, estate=estate, providers=providers, role=self.role)
