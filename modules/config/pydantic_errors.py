"""Pydantic `ValidationError` -> `ConfigIssue`s with YAML positions and plain-words messages."""

from __future__ import annotations

import types
import typing
from difflib import get_close_matches
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from modules.core.errors import ConfigIssue, Loc, format_loc
from modules.core.yaml_loader import LoadedYaml


def _type_name(value: object) -> str:
    names = {dict: "a mapping", list: "a list", str: "text", int: "a number", float: "a number",
             bool: "true/false", type(None): "nothing (null)"}
    return names.get(type(value), type(value).__name__)


def clean_loc(loc: tuple[int | str, ...], data: Any) -> Loc:
    """Drop the parts pydantic adds for unions and validators (`function-after[...]`, tags)."""
    cleaned: list[int | str] = []
    current = data
    for index, part in enumerate(loc):
        is_last = index == len(loc) - 1
        if isinstance(current, dict) and part in current:
            current = current[part]
        elif isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
            current = current[part]
        elif not (is_last and isinstance(part, str) and "[" not in part):
            continue
        cleaned.append(part)
    return tuple(cleaned)


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """Models an annotation can hold, looking through Optional, Union, list, dict and Annotated."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _models_in(args[0])
    if origin in (typing.Union, types.UnionType, list, tuple, set):
        return [model for arg in args for model in _models_in(arg)]
    if origin is dict:
        return _models_in(args[1])
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
                next_candidates.extend(_models_in(field.annotation))
        if not next_candidates:
            # `part` was a dict key (e.g. a job-role name): its value's models stay the same.
            next_candidates = [m for c in candidates for f in c.model_fields.values()
                               if typing.get_origin(f.annotation) is dict
                               for m in _models_in(f.annotation)] or candidates
        candidates = next_candidates
    return sorted({name for candidate in candidates for name in candidate.model_fields})


def _expected_ordinal(error: ErrorDetails) -> str:
    context = error.get("ctx", {})
    for key, symbol in (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<")):
        if key in context:
            return f"{symbol} {context[key]}"
    return "a value in range"


def _message(error: ErrorDetails, model: type[BaseModel], loc: Loc) -> str:
    kind = error["type"]
    value = error.get("input")
    context = error.get("ctx", {})
    if kind == "extra_forbidden":
        allowed = allowed_keys(model, loc[:-1])
        close = get_close_matches(str(loc[-1]), allowed, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        return f"unknown key '{loc[-1]}' ({hint}expected one of: {', '.join(allowed)})"
    if kind == "missing":
        return f"required key '{loc[-1]}' is missing"
    if kind == "literal_error":
        return f"{value!r} is not allowed (expected {context.get('expected')})"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        return f"{value!r} is out of range (expected {_expected_ordinal(error)})"
    if kind in ("too_short", "too_long"):
        field_type = context.get("field_type", "Value")
        bound = context.get("min_length") if kind == "too_short" else context.get("max_length")
        word = "at least" if kind == "too_short" else "at most"
        return f"{field_type} has {context.get('actual_length')} items (expected {word} {bound})"
    if kind in ("string_too_short", "string_too_long"):
        return f"{value!r} has the wrong length ({error['msg'].lower()})"
    if kind == "string_pattern_mismatch":
        return f"{value!r} does not have the expected form (expected to match {context['pattern']})"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"got {_type_name(value)} (expected a mapping of settings)"
    if kind == "list_type":
        return f"got {_type_name(value)} (expected a list)"
    if kind in ("string_type", "str_type"):
        return f"got {_type_name(value)} {value!r} (expected text; quote it)"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"got {_type_name(value)} {value!r} (expected a whole number)"
    if kind in ("float_type", "float_parsing"):
        return f"got {_type_name(value)} {value!r} (expected a number)"
    if kind in ("bool_type", "bool_parsing"):
        return f"got {_type_name(value)} {value!r} (expected true or false)"
    if kind == "union_tag_invalid":
        return (f"{context.get('tag')!r} is not a known {context.get('discriminator')} "
                f"(expected {context.get('expected_tags')})")
    if kind == "value_error":
        return str(context.get("error", error["msg"]))
    if kind.startswith(("account_id", "region", "cidr", "email", "name", "pascal", "iam_role",
                        "ou_name", "duplicate")):
        return error["msg"]
    return f"{error['msg']} (got {value!r})"


def to_issues(error: ValidationError, model: type[BaseModel], source: LoadedYaml) -> list[ConfigIssue]:
    issues = []
    for detail in error.errors(include_url=False):
        loc = clean_loc(tuple(detail["loc"]), source.data)
        # Unknown keys point at the key, missing ones at their parent mapping, the rest at values.
        kind = detail["type"]
        position_loc = loc[:-1] if kind == "missing" else loc
        line, column = source.position(position_loc, prefer_key=kind == "extra_forbidden")
        issues.append(ConfigIssue(source.name, line, column, format_loc(loc),
                                  _message(detail, model, loc)))
    return issues
