"""`notifications:` where security findings and alarms go."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from modules.core.base import StrictModel
from modules.core.types import Email


class NotificationsConfig(StrictModel):
    """Subscribers of the security topics: findings in audit (DET-2), CIS alarms in management (DET-3)."""

    security_emails: list[Email] = Field(
        min_length=1, description="E-mail subscribers; each confirms the subscription AWS mails them."
    )
    https_endpoints: list[Annotated[str, Field(pattern=r"^https://\S+$")]] = Field(
        default_factory=list, description="HTTPS subscribers (a chat webhook, a ticketing intake)."
    )
