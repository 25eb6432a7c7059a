"""`aws_config:` the AWS Config recorder of an environment (CFG-1, CFG-2)."""

from __future__ import annotations

from typing import Literal

from modules.core.base import StrictModel


class AwsConfigConfig(StrictModel):
    recording_frequency: Literal["continuous", "daily"] = "continuous"
