"""`notifications:` where security findings and alarms go."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from modules.core.base import StrictModel
from modules.core.types import Email


class NotificationsConfig(StrictModel):
    security_emails: list[Email] = Field(min_length=1)
    https_endpoints: list[Annotated[str, Field(pattern=r"^https://\S+$")]] = Field(default_factory=list)
