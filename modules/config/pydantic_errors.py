"""Pydantic `ValidationError` -> `ConfigIssue`s with YAML positions and plain-words messages."""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from difflib import get_close_matches
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from modules.core.errors import ConfigIssue, Loc, cut, format_loc, show
from modules.core.yaml_loader import LoadedYaml


def _type_name(value: object) -> str:
    names = {
        dict: "a mapping",
        list: "a list",
        str: "text",
        int: "a number",
        float: "a number",
        bool: "true/false",
        type(None): "nothing (null)",
    }
    return names.get(type(value), type(value).__name__)


def _has(container: Any, part: int | str) -> bool:
    if isinstance(container, dict):
        return part in container
    return isinstance(container, list) and isinstance(part, int) and 0 <= part < len(container)


def clean_loc(loc: tuple[int | str, ...], data: Any) -> Loc:
    """Drop the parts pydantic adds for unions and validators (`function-after[...]`, tags)."""
    cleaned: list[int | str] = []
    current = data
    for index, part in enumerate(loc):
        is_last = index == len(loc) - 1
        if _has(current, part):
            current = current[part]
        elif not (is_last and isinstance(part, str) and "[" not in part):
            continue
        cleaned.append(part)
    return tuple(cleaned)


def models_in(annotation: Any) -> list[type[BaseModel]]:
    """Models an annotation can hold, looking through Optional, Union, list, dict and Annotated."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return models_in(args[0])
    if origin in (typing.Union, types.UnionType, list, tuple, set):
        return [model for arg in args for model in models_in(arg)]
    if origin is dict:
        return models_in(args[1])
    return []


def allowed_keys(model: type[BaseModel], parent: Loc) -> list[str]:
    """The field names valid at `parent`, found by walking the model's annotations."""
    candidates: list[type[BaseModel]] = [model]
    for part in parent:
        if isinstance(part, int):
            continue
        next_candidates: list[type[BaseModel]] = []
        for candidate in candidates:
            field = candidate.model_fields.get(str(part))
            if field is not None:
                next_candidates.extend(models_in(field.annotation))
        if not next_candidates:
            # `part` was a dict key (e.g. a job-role name): its value's models stay the same.
            next_candidates = [
                m
                for c in candidates
                for f in c.model_fields.values()
                if typing.get_origin(f.annotation) is dict
                for m in models_in(f.annotation)
            ] or candidates
        candidates = next_candidates
    return sorted({name for candidate in candidates for name in candidate.model_fields})


def _expected_ordinal(context: dict[str, Any]) -> str:
    for key, symbol in (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<")):
        if key in context:
            return f"{symbol} {context[key]}"
    return "a value in range"


def _length(kind: str, context: dict[str, Any]) -> str:
    word, bound = (
        ("at least", context.get("min_length"))
        if kind == "too_short"
        else ("at most", context.get("max_length"))
    )
    return (
        f"{context.get('field_type', 'Value')} has {context.get('actual_length')} items "
        f"(expected {word} {bound})"
    )


def _got(expected: str) -> Callable[[Any, dict[str, Any]], str]:
    def message(value: Any, _: dict[str, Any]) -> str:
        if value is None or isinstance(value, dict | list):
            return f"got {_type_name(value)} (expected {expected})"
        return f"got {_type_name(value)} {show(value)} (expected {expected})"

    return message


# error type -> message built from (input value, pydantic context)
_FORMATTERS: dict[str, Callable[[Any, dict[str, Any]], str]] = {
    "literal_error": lambda value, ctx: f"{show(value)} is not allowed (expected {ctx.get('expected')})",
    "string_pattern_mismatch": lambda value, ctx: (
        f"{show(value)} does not have the expected form (expected to match {ctx.get('pattern')})"
    ),
    "model_type": lambda value, _: f"got {_type_name(value)} (expected a mapping of settings)",
    "dict_type": lambda value, _: f"got {_type_name(value)} (expected a mapping of settings)",
    "list_type": lambda value, _: f"got {_type_name(value)} (expected a list)",
    "string_type": _got("text; quote it"),
    "int_type": _got("a whole number"),
    "int_parsing": _got("a whole number"),
    "int_from_float": _got("a whole number"),
    "float_type": _got("a number"),
    "float_parsing": _got("a number"),
    "bool_type": _got("true or false"),
    "bool_parsing": _got("true or false"),
    "union_tag_invalid": lambda _, ctx: (
        f"{ctx.get('tag')!r} is not a known {ctx.get('discriminator')} (expected {ctx.get('expected_tags')})"
    ),
    "value_error": lambda _, ctx: str(ctx.get("error")),
    "finite_number": lambda value, _: f"{show(value)} is not a finite number (expected a number like 5000)",
}
for _kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
    _FORMATTERS[_kind] = lambda value, ctx: (
        f"{show(value)} is out of range (expected {_expected_ordinal(ctx)})"
    )
for _kind in ("too_short", "too_long"):
    _FORMATTERS[_kind] = lambda _, ctx, kind=_kind: _length(kind, ctx)  # type: ignore[misc]
for _kind in ("string_too_short", "string_too_long"):
    _FORMATTERS[_kind] = lambda value, ctx: (
        f"{show(value)} has the wrong length (expected {ctx.get('min_length', 0)} to "
        f"{ctx.get('max_length', 'any number of')} characters)"
    )


def _message(error: ErrorDetails, model: type[BaseModel], loc: Loc) -> str:
    kind = error["type"]
    value = error.get("input")
    if kind == "extra_forbidden":
        allowed = allowed_keys(model, loc[:-1])
        close = get_close_matches(str(loc[-1]), allowed, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        return f"unknown key {cut(str(loc[-1]))} ({hint}expected one of: {', '.join(allowed)})"
    if kind == "missing":
        return f"required key '{loc[-1]}' is missing"
    formatter = _FORMATTERS.get(kind)
    if formatter is not None:
        return formatter(value, dict(error.get("ctx", {})))
    if kind.startswith(_OWN_ERROR_KINDS):
        return error["msg"]
    return f"{error['msg']} (got {show(value)})"


# Custom errors raised by modules/core/types.py already read as full sentences.
_OWN_ERROR_KINDS = (
    "account_id",
    "region",
    "cidr",
    "email",
    "name",
    "pascal",
    "iam_role",
    "ou_name",
    "duplicate",
    "retention_days",
    "budget_quota",
    "time_zone",
)


def to_issues(error: ValidationError, model: type[BaseModel], source: LoadedYaml) -> list[ConfigIssue]:
    issues = []
    for detail in error.errors(include_url=False):
        loc = clean_loc(tuple(detail["loc"]), source.data)
        # Unknown keys point at the key, missing ones at their parent mapping, the rest at values.
        kind = detail["type"]
        position_loc = loc[:-1] if kind == "missing" else loc
        line, column = source.position(position_loc, prefer_key=kind == "extra_forbidden")
        issues.append(ConfigIssue(source.name, line, column, format_loc(loc), _message(detail, model, loc)))
    return issues
