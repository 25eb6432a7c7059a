"""Production records continuously; daily recording is a cost saving for other stages (CFG-2)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from modules.core.findings import Finding
from modules.core.rules import rule

if TYPE_CHECKING:
    from modules.config.models import Estate


@rule("LZ_RULE_CFG_001")
def production_records_continuously(estate: Estate) -> Iterator[Finding]:
    """Production environments record AWS Config changes continuously, never daily."""
    for name, env in estate.environments.items():
        if env.stage == "production" and env.aws_config.recording_frequency != "continuous":
            yield Finding(
                name,
                ("aws_config", "recording_frequency"),
                "'daily' is looser than the production floor (expected continuous)",
            )
