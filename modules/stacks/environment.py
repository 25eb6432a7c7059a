"""One stack per environment (`prod`, `stg`, `dev`, ...), deployed into that environment's account."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from constructs import Construct

from modules.config.models import EnvironmentConfig
from modules.stacks.base import AccountStack


class EnvironmentStack(AccountStack):
    def __init__(
        self, scope: Construct, stack_name: str, *, env: EnvironmentConfig, outdir: Path, **common: Any
    ) -> None:
        super().__init__(scope, stack_name, outdir=outdir, **common)
        self.env = env
