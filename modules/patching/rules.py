"""Staging is patched before production (OPS-2); a window leaves time before its cutoff."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from modules.core.findings import Finding
from modules.core.rules import rule

if TYPE_CHECKING:
    from modules.config.models import Estate


@rule("LZ_RULE_PAT_001")
def staging_is_patched_before_production(estate: Estate) -> Iterator[Finding]:
    """Staging receives patches no later than production (its approval delay is not longer)."""
    staging = {n: e for n, e in estate.environments.items() if e.stage == "staging"}
    for name, env in estate.environments.items():
        if env.stage != "production":
            continue
        prod_delay = env.patching.approval_delay(env.stage)
        for stg_name, stg in staging.items():
            stg_delay = stg.patching.approval_delay(stg.stage)
            if prod_delay <= stg_delay:
                yield Finding(
                    name,
                    ("patching", "offset_days"),
                    f"production approves patches after {prod_delay} days (approve_after_days + "
                    f"offset_days), not later than staging '{stg_name}' ({stg_delay} days) (expected "
                    "a larger offset so staging is patched first, OPS-2)",
                )


@rule("LZ_RULE_PAT_002")
def cutoff_is_inside_the_window(estate: Estate) -> Iterator[Finding]:
    """The patch window's cutoff leaves time inside the window."""
    for name, env in estate.environments.items():
        patching = env.patching
        if patching.cutoff_hours >= patching.duration_hours:
            yield Finding(
                name,
                ("patching", "cutoff_hours"),
                f"{patching.cutoff_hours} leaves no time in a {patching.duration_hours}-hour window "
                "(expected cutoff_hours < duration_hours)",
            )
