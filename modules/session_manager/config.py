"""`session_manager:` preferences of SSM Session Manager, the only way onto servers (NET-6)."""

from __future__ import annotations

from pydantic import Field

from modules.core.base import StrictModel


class SessionManagerConfig(StrictModel):
    """NET-6: session preferences of SSM Session Manager, the only way onto servers."""

    idle_timeout_minutes: int = Field(
        default=20, ge=1, le=60, description="Minutes (1-60) until an idle session ends."
    )
    max_session_minutes: int = Field(
        default=60, ge=1, le=1440, description="Minutes (1-1440) until every session ends, idle or not."
    )
