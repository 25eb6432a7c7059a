"""Config errors reported like a compiler: `file:line:col field.path: message (expected ...)`."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

Loc = tuple[str | int, ...]


def format_loc(loc: Loc) -> str:
    """`('network', 'subnets', 0, 'cidr')` -> `network.subnets[0].cidr`."""
    text = ""
    for part in loc:
        name = str(part) if len(str(part)) <= MAX_SHOWN_CHARS else f"{str(part)[:MAX_SHOWN_CHARS]}..."
        text += f"[{part}]" if isinstance(part, int) else (f".{name}" if text else name)
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
    # The folder is resolved, not the file: a symbolic link is named as itself, not its target.
    try:
        return str((path.parent.resolve() / path.name).relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


# Values echoed in messages are cut to this many characters, with the full length shown: a
# pasted certificate or a 5 MB line must not flood the terminal or the CI log.
MAX_SHOWN_CHARS = 60
_YAML_WORDS = {None: "null", True: "true", False: "false"}


def show(value: object) -> str:
    """A value as the user wrote it in YAML: `null`, `true`, `.inf`, 'text' (cut when long)."""
    if value is None or isinstance(value, bool):
        return _YAML_WORDS[value]
    if isinstance(value, float) and not math.isfinite(value):
        return ".nan" if math.isnan(value) else ("-.inf" if value < 0 else ".inf")
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        text = "[" + ", ".join(show(item) for item in value[:MAX_SHOWN_CHARS]) + "]"
        return text if len(text) <= MAX_SHOWN_CHARS else f"{text[:MAX_SHOWN_CHARS]}... ({len(value)} items)"
    return str(value) if isinstance(value, int | float) else cut(str(value))


def cut(text: str) -> str:
    """'text' quoted; beyond MAX_SHOWN_CHARS the start only, then the full length."""
    if len(text) <= MAX_SHOWN_CHARS:
        return repr(text)
    return f"{text[:MAX_SHOWN_CHARS]!r}... ({len(text)} characters)"
