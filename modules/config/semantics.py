"""The second validation tier: checks across files, one small module per concern.

To add a check: write a function `(estate) -> Iterator[Finding]` in the concern's `checks.py`
and add it to that module's `CHECKS` tuple. New concern modules are listed here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from modules.account_baseline import checks as account_baseline_checks
from modules.aws_config import checks as aws_config_checks
from modules.backup import checks as backup_checks
from modules.core.findings import Finding
from modules.identity_center import checks as identity_center_checks
from modules.log_archive import checks as log_archive_checks
from modules.network import checks as network_checks
from modules.organization import checks as organization_checks
from modules.organization import perimeter_checks
from modules.patching import checks as patching_checks

if TYPE_CHECKING:
    from modules.config.models import Estate

Check = Callable[["Estate"], Iterable[Finding]]

CHECKS: tuple[Check, ...] = (
    *organization_checks.CHECKS,
    *perimeter_checks.CHECKS,
    *identity_center_checks.CHECKS,
    *network_checks.CHECKS,
    *backup_checks.CHECKS,
    *patching_checks.CHECKS,
    *log_archive_checks.CHECKS,
    *aws_config_checks.CHECKS,
    *account_baseline_checks.CHECKS,
)


def semantic_findings(estate: Estate) -> Iterator[Finding]:
    for check in CHECKS:
        yield from check(estate)
