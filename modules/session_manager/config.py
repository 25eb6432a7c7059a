"""`session_manager:` preferences of SSM Session Manager, the only way onto servers (NET-6)."""

from __future__ import annotations

from pydantic import Field

from modules.core.base import StrictModel


class SessionManagerConfig(StrictModel):
    idle_timeout_minutes: int = Field(default=20, ge=1, le=60, description="Idle sessions end after this.")
    max_session_minutes: int = Field(
        default=60, ge=1, le=1440, description="Every session ends after this, idle or not."
    )
