"""Config errors reported like a compiler: `file:line:col field.path: message (expected ...)`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

Loc = tuple[str | int, ...]


def format_loc(loc: Loc) -> str:
    """`('network', 'subnets', 0, 'cidr')` -> `network.subnets[0].cidr`."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "<document>"


@dataclass(frozen=True, order=True)
class ConfigIssue:
    """One problem in one config file, with the position of the offending YAML node."""

    file: str
    line: int
    column: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column} {self.field}: {self.message}"


class ConfigError(Exception):
    """Raised with every issue found at once; the CLI prints them and exits 2."""

    def __init__(self, issues: Iterable[ConfigIssue]) -> None:
        self.issues = sorted(set(issues))
        super().__init__("\n".join(str(issue) for issue in self.issues))


def display_path(path: Path) -> str:
    """Paths relative to the working directory when possible: shorter and clickable in editors."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
