"""Check one policy document against the service authorization catalog.

What IAM's grammar and AWS's catalog say, statement by statement (each problem names the Sid and
the entry):

- an action is `service:Action`; a wildcard in the service prefix (`*:Get*`) is not IAM grammar;
- the service prefix exists; an exact action exists (with a did-you-mean); a pattern matches at
  least one action;
- a condition key is a global key or one of the service's; its operator fits the key's type
  (`Bool` on a Bool key, `Numeric*` on a number, `IpAddress` on an address, ...);
- a resource ARN fits a resource type of at least one of the statement's actions (an ARN that
  fits none makes the statement, or that part of it, match nothing).

`Action: "*"` and `Resource: "*"` are always valid. Used by `lz validate` (modules/policy_catalog/
estate.py) and the review (policies/checks/policies_match_aws_catalog.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from difflib import get_close_matches
from functools import cache, lru_cache
from typing import Any

from modules.policy_catalog import catalog

_STRING_LIKE = frozenset({"String", "ArrayOfString", "ARN", "ArrayOfARN"})
# base operator -> key types it may compare (AWS: "condition operators" by type).
_OPERATOR_TYPES: dict[str, frozenset[str]] = {
    **dict.fromkeys(
        (
            "StringEquals",
            "StringNotEquals",
            "StringEqualsIgnoreCase",
            "StringNotEqualsIgnoreCase",
            "StringLike",
            "StringNotLike",
        ),
        _STRING_LIKE,
    ),
    **dict.fromkeys(("ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike"), _STRING_LIKE),
    **dict.fromkeys(
        (
            "NumericEquals",
            "NumericNotEquals",
            "NumericLessThan",
            "NumericLessThanEquals",
            "NumericGreaterThan",
            "NumericGreaterThanEquals",
        ),
        frozenset({"Numeric", "Date"}),
    ),
    **dict.fromkeys(
        (
            "DateEquals",
            "DateNotEquals",
            "DateLessThan",
            "DateLessThanEquals",
            "DateGreaterThan",
            "DateGreaterThanEquals",
        ),
        frozenset({"Date"}),
    ),
    "Bool": frozenset({"Bool", "ArrayOfBool"}),
    "IpAddress": frozenset({"IPAddress"}),
    "NotIpAddress": frozenset({"IPAddress"}),
}
_ANY_TYPE = ("Null", "BinaryEquals")


@dataclass(frozen=True, order=True)
class CatalogFinding:
    """One entry of one statement that AWS's catalog does not support."""

    document: str  # template file or what the document is (`policies/scp/region-deny.json.j2`)
    sid: str
    entry: str  # the offending value: an action, condition key or resource
    message: str

    def __str__(self) -> str:
        return f"{self.document} Sid {self.sid} '{self.entry}': {self.message}"


def check_document(document: Mapping[str, Any], name: str) -> list[CatalogFinding]:
    """Every catalog problem of `document`; `name` says where it comes from (the template file)."""
    found: list[CatalogFinding] = []
    statements = document.get("Statement", [])
    for position, statement in enumerate(statements if isinstance(statements, list) else [statements]):
        if not isinstance(statement, Mapping):
            continue  # the structural validator reports it
        sid = str(statement.get("Sid", f"#{position}"))
        found.extend(CatalogFinding(name, sid, entry, message) for entry, message in _statement(statement))
    return sorted(set(found))


def _values(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [str(item) for item in items if isinstance(item, str)]


def _statement(statement: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    element = "Action" if "Action" in statement else "NotAction"
    actions: list[catalog.Action] = []
    for pattern in _values(statement.get(element, [])):
        matched, problem = expand_action(pattern)
        if problem:
            yield pattern, problem
        actions.extend(matched)
    services = {pattern.partition(":")[0].lower() for pattern in _values(statement.get(element, []))}
    yield from _conditions(statement.get("Condition", {}), services)
    if element == "Action" and "Resource" in statement and actions:
        yield from _resources(_values(statement["Resource"]), actions)


def expand_action(pattern: str) -> tuple[list[catalog.Action], str | None]:
    """The catalog actions `pattern` matches, and what is wrong with it (None when fine)."""
    if pattern == "*":
        return [], None
    prefix, colon, name = pattern.partition(":")
    if not colon or not prefix or not name:
        return [], "not an IAM action (expected service:Action, e.g. 's3:GetObject')"
    if "*" in prefix or "?" in prefix:
        return [], (
            "wildcard in the service prefix is not IAM grammar (expected one service per entry, "
            "e.g. 'ec2:Describe*')"
        )
    entry = catalog.service(prefix)
    if entry is None:
        close = get_close_matches(prefix.lower(), sorted(catalog.service_prefixes()), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        return [], f"unknown service prefix '{prefix}' in AWS's catalog{hint}"
    matched = _matching(entry, name.lower())
    return matched, None if matched else _no_match(entry, prefix, name)


def _no_match(entry: catalog.Service, prefix: str, name: str) -> str:
    if "*" in name or "?" in name:
        return f"matches no action of '{prefix}' in AWS's catalog"
    close = get_close_matches(name.lower(), list(entry.actions), n=1)
    hint = f" (did you mean '{prefix}:{entry.actions[close[0]].name}'?)" if close else ""
    return f"unknown action of '{prefix}' in AWS's catalog{hint}"


def _matching(entry: catalog.Service, name: str) -> list[catalog.Action]:
    if "*" not in name and "?" not in name:
        action = entry.actions.get(name)
        return [action] if action else []
    regex = re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in name))
    return [action for key, action in entry.actions.items() if regex.fullmatch(key)]


def _conditions(conditions: Any, services: set[str]) -> Iterator[tuple[str, str]]:
    if not isinstance(conditions, Mapping):
        return
    for operator, keys in conditions.items():
        if not isinstance(keys, Mapping):
            continue
        base = str(operator).rpartition(":")[2].removesuffix("IfExists")
        for key in keys:
            kind = catalog.condition_key_type(key)
            if kind is None:
                yield key, _unknown_key(key, services)
                continue
            allowed = _OPERATOR_TYPES.get(base)
            if base in _ANY_TYPE or allowed is None:
                continue  # unknown operators are the structural validator's to report
            if kind not in allowed:
                yield (
                    key,
                    (
                        f"operator {operator} does not fit the key's type {kind} "
                        f"(expected one for {', '.join(sorted(allowed))} keys)"
                    ),
                )


def _unknown_key(key: str, services: set[str]) -> str:
    prefix = key.partition(":")[0].lower()
    if prefix != "aws" and catalog.service(prefix) is None:
        return f"unknown condition key: no service '{prefix}' in AWS's catalog"
    scope = "global condition keys" if prefix == "aws" else f"'{prefix}' condition keys"
    if prefix != "aws" and prefix not in services and "*" not in services:
        scope += " (and the statement names no action of that service)"
    return f"unknown condition key (not among AWS's {scope})"


def _resources(resources: list[str], actions: list[catalog.Action]) -> Iterator[tuple[str, str]]:
    templates = _templates(actions)
    for resource in resources:
        if resource == "*" or not resource.startswith("arn:"):
            continue
        if templates is not None and not any(_intersects(_tokens(resource), t) for t in templates):
            names = sorted({action.full_name for action in actions})
            shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
            yield resource, f"fits no resource type of {shown} in AWS's catalog"


def _templates(actions: list[catalog.Action]) -> set[tuple[str, ...]] | None:
    """Every ARN template the actions accept, as tokens; None when one names a type we cannot read."""
    found: set[tuple[str, ...]] = set()
    for action in actions:
        templates = _action_templates(action)
        if templates is None:
            return None
        found.update(templates)
    return found


@lru_cache(maxsize=16384)
def _action_templates(action: catalog.Action) -> frozenset[tuple[str, ...]] | None:
    entry = catalog.service(action.service)
    found: set[tuple[str, ...]] = set()
    for name in action.resource_types:
        resource_type = entry.resource_types.get(name.lower()) if entry else None
        if resource_type is None:
            return None  # the catalog names a type it does not describe: no verdict
        found.update(_tokens(template.strip()) for template in resource_type.arn_template.split(","))
    return frozenset(found)


_TEMPLATE_VARIABLE = re.compile(r"\$\{[^}]*\}")


@lru_cache(maxsize=16384)
def _tokens(pattern: str) -> tuple[str, ...]:
    """A glob as tokens: `*`, `?` or one lower-case literal character (policy variables are `*`)."""
    text = _TEMPLATE_VARIABLE.sub("*", pattern).lower()
    return tuple(re.sub(r"\*+", "*", text))


@lru_cache(maxsize=65536)
def _intersects(left: tuple[str, ...], right: tuple[str, ...]) -> bool:
    """Whether some ARN matches both globs (`*` any run, `?` one character)."""

    @cache
    def step(i: int, j: int) -> bool:
        if i == len(left) and j == len(right):
            return True
        if i < len(left) and left[i] == "*":
            return step(i + 1, j) or (j < len(right) and step(i, j + 1))
        if j < len(right) and right[j] == "*":
            return step(i, j + 1) or (i < len(left) and step(i + 1, j))
        if i < len(left) and j < len(right) and (left[i] == right[j] or "?" in (left[i], right[j])):
            return step(i + 1, j + 1)
        return False

    return step(0, 0)
