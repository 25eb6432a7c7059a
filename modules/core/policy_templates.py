"""What every policy template shares: strict Jinja rendering, the description line, AWS's minified size.

Used by the SCPs, RCPs and declarative policies (`modules/organization/`) and the permission sets
(`modules/identity_center/permission_sets.py`); each keeps its own validation rules.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import jinja2

# The first line of a template: `{#- description: ... -#}`.
DESCRIPTION = re.compile(r"^\{#-?\s*description:\s*(?P<text>.+?)\s*-?#\}")
# StrictUndefined: a misspelt variable is an error, never an empty string in a policy.
JINJA = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)


def minify(document: dict[str, Any]) -> str:
    """The document without whitespace: what AWS counts against its size limits."""
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False)


@lru_cache(maxsize=64)
def compiled(source: str) -> jinja2.Template:
    """A template compiled once per process: validation renders each one per estate and role."""
    return JINJA.from_string(source)


@dataclass(frozen=True)
class RenderedPolicy:
    """A document rendered from its template, as the organization stores it."""

    name: str
    description: str
    document: dict[str, Any]

    @property
    def text(self) -> str:
        """The document as deployed: whitespace-minified, which is also how AWS counts its size."""
        return minify(self.document)

    @property
    def size(self) -> int:
        return len(self.text)

    @property
    def sids(self) -> list[str]:
        return [statement["Sid"] for statement in self.document.get("Statement", [])]


def sid_problem(statements: object) -> str | None:
    """What is wrong with a document's Sids (each statement's, alphanumeric, unique), or None:
    the checks, the suppressions and the reports name a statement by its Sid."""
    listed = statements if isinstance(statements, list) else [statements]
    sids = [statement.get("Sid") if isinstance(statement, dict) else None for statement in listed]
    names = [sid for sid in sids if isinstance(sid, str) and sid.isalnum()]
    if len(names) != len(sids):
        return f"every statement needs an alphanumeric Sid (got {sids})"
    duplicates = sorted({sid for sid in names if names.count(sid) > 1})
    if duplicates:
        return f"duplicate Sid {', '.join(duplicates)} (expected unique Sids)"
    return None


def render_document(
    source: str, variables: dict[str, Any], label: str, error: type[ValueError]
) -> tuple[str, dict[str, Any]]:
    """The description line and the JSON document of a template; `error` naming `label` otherwise."""
    description = DESCRIPTION.match(source)
    if not description:
        raise error(f"{label} must start with {{#- description: ... -#}}")
    try:
        document = json.loads(compiled(source).render(variables))
    except (jinja2.TemplateError, TypeError) as problem:  # TypeError: `| tojson` of an undefined name
        raise error(f"{label} does not render: {problem}") from None
    except json.JSONDecodeError as problem:
        raise error(f"{label} is not valid JSON: {problem.msg} at line {problem.lineno}") from None
    if not isinstance(document, dict):
        raise error(f"{label} renders to {type(document).__name__}, not a JSON object")
    return description.group("text"), document
