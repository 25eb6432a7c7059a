"""Semantic (cross-file) findings: which file, which field, what is wrong.

Concern modules return these from their `checks.py`; the loader turns them into positioned
`ConfigIssue`s. `source` is "organization" or an environment name.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import get_close_matches

from modules.core.errors import Loc, cut


@dataclass(frozen=True)
class Finding:
    source: str
    loc: Loc
    message: str


def unknown_reference(kind: str, value: str, known: list[str]) -> str:
    """`'Workloads/Prd' is not a declared OU (did you mean 'Workloads/Prod'? known: ...)`."""
    close = get_close_matches(value, known, n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    return f"{cut(value)} is not a declared {kind} ({hint}known: {', '.join(known) or 'none'})"
