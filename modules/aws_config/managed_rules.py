"""The CFG-3 managed-rule list (`policies/config_rules.yaml`), read once."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from pydantic import Field

from modules.core.base import StrictModel
from modules.core.types import listed_twice

RULES = Path(__file__).resolve().parents[2] / "policies" / "config_rules.yaml"


class ManagedRule(StrictModel):
    name: str = Field(pattern=r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$", max_length=60)
    identifier: str = Field(pattern=r"^[A-Z0-9_]+$")
    requirement: str = Field(pattern=r"^[A-Z]+-\d+$")
    global_: bool = Field(
        default=False, alias="global", description="Global (IAM) resources: home region only."
    )
    input: dict[str, str] = Field(default_factory=dict)


class RuleList(StrictModel):
    rules: list[ManagedRule] = Field(min_length=1)


@cache
def managed_rules(path: Path = RULES) -> tuple[ManagedRule, ...]:
    rules = RuleList.model_validate(yaml.safe_load(path.read_text()), strict=False).rules
    duplicates = listed_twice([rule.name for rule in rules])
    if duplicates:
        raise ValueError(f"{path}: rule names listed twice: {', '.join(duplicates)}")
    return tuple(rules)
