"""The strict base every config model derives from: typos fail, values never mutate."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class StrictModel(BaseModel):
    """Unknown keys are errors (unlike tools that silently drop them); models are frozen."""

    # allow_inf_nan=False: YAML's .inf and .nan are floats, and no AWS setting takes them.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)
