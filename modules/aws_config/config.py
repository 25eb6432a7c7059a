"""`aws_config:` the AWS Config recorder of an environment (CFG-1, CFG-2)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from modules.core.base import StrictModel


class AwsConfigConfig(StrictModel):
    """CFG-1, CFG-2: the environment's recorder in every approved region, delivering to the log archive."""

    recording_frequency: Literal["continuous", "daily"] = Field(
        default="continuous",
        description="continuous: every change recorded; daily: one snapshot a day, cheaper, for other "
        "stages only (production must record continuously, CFG-2).",
    )
