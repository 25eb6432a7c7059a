"""The `security` stack (audit account): detection services as delegated administrator."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from constructs import Construct

from modules.stacks import detection
from modules.stacks.base import AccountStack


class SecurityStack(AccountStack):
    """Filled by the concern constructs (see modules/*/construct.py)."""

    def __init__(self, scope: Construct, stack_name: str, *, outdir: Path, **common: Any) -> None:
        super().__init__(scope, stack_name, outdir=outdir, **common)
        # GuardDuty, Security Hub, Macie, Inspector, finding alerts, Config (DET-1, DET-2, DET-4, DET-6)
        detection.security_detection(self)
