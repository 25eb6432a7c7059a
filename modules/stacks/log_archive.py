"""The `log-archive` stack: the central log bucket, its key and access-log bucket, and Config."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from constructs import Construct

from modules.aws_config import wiring as aws_config
from modules.log_archive import wiring as log_archive
from modules.stacks.base import AccountStack


class LogArchiveStack(AccountStack):
    """LOG-1, LOG-3..5, CFG-1; see modules/log_archive/README.md."""

    def __init__(self, scope: Construct, stack_name: str, *, outdir: Path, **common: Any) -> None:
        super().__init__(scope, stack_name, outdir=outdir, **common)
        estate = self.estate
        self.log_archive = log_archive.log_archive(
            self, estate=estate, account_id=self.account_id, deployment_role_arn=self.deployment_role_arn
        )
        self.aws_config = aws_config.recorder(self, estate=estate, providers=self.providers, role=self.role)
