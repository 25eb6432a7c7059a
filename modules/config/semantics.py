"""The second validation tier: rules across files, declared in each concern's `rules.py`.

Rules are gathered by file name (`modules/<concern>/rules.py` and `<topic>_rules.py`), so adding
one is writing a function with `@rule("LZ_RULE_<AREA>_<NNN>")` (modules/core/rules.py) in the
concern it belongs to; nothing lists them by hand.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from modules.core.findings import Finding
from modules.core.rules import Rule, RuleError

if TYPE_CHECKING:
    from modules.config.models import Estate

MODULES = Path(__file__).resolve().parents[1]
RULE_FILES = ("*/rules.py", "*/*_rules.py")


def rule_modules(root: Path = MODULES) -> list[str]:
    """Dotted names of every concern module that may declare rules, in a stable order."""
    files = {path for pattern in RULE_FILES for path in root.glob(pattern) if path.parent.name != "core"}
    return sorted(f"{root.name}.{path.parent.name}.{path.stem}" for path in files)


@cache
def all_rules() -> tuple[Rule[Estate], ...]:
    return gather(rule_modules())


def gather(module_names: list[str]) -> tuple[Rule[Estate], ...]:
    """Every rule of these modules, once, by ID; two rules under one ID stop the load (an ID is
    cited from docs and bad-config cases, so it must name one rule)."""
    found: dict[str, Rule[Estate]] = {}
    for name in module_names:
        for value in vars(importlib.import_module(name)).values():
            if not isinstance(value, Rule) or value.module != name:
                continue  # imported from elsewhere: counted where it is declared
            if value.id in found and found[value.id] is not value:
                other = found[value.id]
                raise RuleError(
                    f"{value.id} is declared twice: {other.module}.{other.name} and {name}.{value.name}"
                )
            found[value.id] = value
    return tuple(sorted(found.values(), key=lambda r: r.id))


def semantic_findings(estate: Estate) -> Iterator[Finding]:
    for rule in all_rules():
        yield from rule(estate)
