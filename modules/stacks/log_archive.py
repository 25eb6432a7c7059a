"""The `log-archive` stack: the central log bucket, its key and access-log bucket, and Config."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from constructs import Construct

from modules.stacks import detection
from modules.stacks.base import AccountStack


class LogArchiveStack(AccountStack):
    """LOG-1, LOG-3..5, CFG-1; see modules/log_archive/README.md."""

    def __init__(self, scope: Construct, stack_name: str, *, outdir: Path, **common: Any) -> None:
        super().__init__(scope, stack_name, outdir=outdir, **common)
        self.log_archive = detection.log_archive(self)
