"""A Markdown reference of every config field, generated from the models (docs never drift)."""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from modules.config.models import EnvironmentConfig, OrganizationConfig


def _type_text(annotation: Any) -> str:  # noqa: PLR0911 (one return per annotation shape reads clearest)
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _type_text(args[0])
    if origin is typing.Literal:
        return " \\| ".join(f"`{arg}`" for arg in args)
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_type_text(arg) for arg in args if arg is not type(None))
    if origin is list:
        return f"list of {_type_text(args[0])}"
    if origin is dict:
        return f"mapping of {_type_text(args[0])} to {_type_text(args[1])}"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return f"[{annotation.__name__}](#{annotation.__name__.lower()})"
    return getattr(annotation, "__name__", str(annotation))


def _default_text(field: FieldInfo) -> str:
    if field.is_required():
        return "**required**"
    if field.default_factory is not None:
        return "(computed)"
    if field.default is PydanticUndefined or field.default is None:
        return ""
    return f"`{field.default}`"


def _models(root: type[BaseModel]) -> list[type[BaseModel]]:
    """`root` and every model reachable from its fields, in first-seen order."""
    from modules.config.pydantic_errors import models_in

    seen: list[type[BaseModel]] = []
    queue = [root]
    while queue:
        model = queue.pop(0)
        if model not in seen:
            seen.append(model)
            queue.extend(m for f in model.model_fields.values() for m in models_in(f.annotation))
    return seen


def _section(model: type[BaseModel]) -> str:
    doc = (model.__doc__ or "").strip().splitlines()[0] if model.__doc__ else ""
    rows = [
        f"| `{name}` | {_type_text(field.annotation)} | {_default_text(field)} | {field.description or ''} |"
        for name, field in model.model_fields.items()
    ]
    return "\n".join(
        [
            f"### {model.__name__}",
            "",
            doc,
            "",
            "| key | type | default | meaning |",
            "|---|---|---|---|",
            *rows,
            "",
        ]
    )


def render_reference() -> str:
    parts = [
        "# Configuration reference",
        "",
        "Generated from the models by `lz docs`; do not edit by hand. Narrative and examples: README.md.",
        "",
    ]
    for title, root in (("organization.yaml", OrganizationConfig), ("<env>.yaml", EnvironmentConfig)):
        parts += [f"## `{title}`", ""]
        parts += [_section(model) for model in _models(root)]
    return "\n".join(parts)
