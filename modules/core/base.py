"""The strict base every config model derives from: typos fail, values never mutate."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class StrictModel(BaseModel):
    """Unknown keys are errors (unlike tools that silently drop them); models are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)
