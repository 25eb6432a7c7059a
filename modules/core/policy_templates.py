"""What every policy template shares: strict Jinja rendering, the description line, AWS's minified size.

Used by the SCPs (`modules/organization/scp.py`) and the permission sets
(`modules/identity_center/permission_sets.py`); each keeps its own validation rules.
"""

from __future__ import annotations

import json
import re
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
