"""One stack per environment (`prod`, `stg`, `dev`, ...), deployed into that environment's account."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from constructs import Construct

from modules.aws_config import wiring as aws_config
from modules.backup.construct import Backup
from modules.budget import wiring as budget
from modules.config.models import EnvironmentConfig
from modules.hardening.construct import AccountHardening
from modules.inspector import wiring as inspector
from modules.network.construct import Network
from modules.patching.construct import Patching
from modules.session_manager.construct import SessionManager
from modules.stacks.base import AccountStack


class EnvironmentStack(AccountStack):
    """Network, Session Manager, hardening, backup, patching, Config, ECR scanning and budget."""

    def __init__(
        self, scope: Construct, stack_name: str, *, env: EnvironmentConfig, outdir: Path, **common: Any
    ) -> None:
        super().__init__(scope, stack_name, outdir=outdir, **common)
        self.env = env
        prefix, retention = f"{self.estate.organization.name}-{env.name}", self.estate.retention_days(env)
        self.hardening = AccountHardening(
            self,
            "hardening",
            config=env.hardening,
            name_prefix=prefix,
            account_id=self.account_id,
            home_region=env.region,
            regional_providers={
                region: self.providers.for_region(region) for region in self.providers.regions
            },
        )
        logs_key = self.hardening.logs_key
        self.network = Network(
            self,
            "network",
            config=env.network,
            nat_mode=env.nat_mode,
            name_prefix=prefix,
            account_id=self.account_id,
            region=env.region,
            logs_key=logs_key,
            retention_days=retention,
            log_bucket=self.estate.log_bucket,
        )
        self.session_manager = SessionManager(
            self,
            "session_manager",
            config=env.session_manager,
            name_prefix=prefix,
            account_id=self.account_id,
            logs_key=logs_key,
            retention_days=retention,
            deletion_window_days=env.hardening.kms_deletion_window_days,
        )
        self.backup = Backup(
            self,
            "backup",
            config=env.backup,
            name_prefix=prefix,
            account_id=self.account_id,
            deletion_window_days=env.hardening.kms_deletion_window_days,
        )
        self.patching = Patching(
            self,
            "patching",
            config=env.patching,
            env_name=env.name,
            stage=env.stage,
            name_prefix=prefix,
            logs_key=logs_key,
            retention_days=retention,
        )
        self.aws_config = aws_config.recorder(
            self,
            estate=self.estate,
            providers=self.providers,
            role=self.role,
            frequency=env.aws_config.recording_frequency,
        )
        self.ecr_scanning = inspector.environment_scanning(self, providers=self.providers)
        self.budget = budget.environment_budget(self, env=env, account_id=self.account_id)
