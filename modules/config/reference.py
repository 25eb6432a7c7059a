"""A Markdown reference of every config field, generated from the models (docs never drift)."""

from __future__ import annotations

import types
import typing
from typing import Any

import yaml
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from modules.config.models import EnvironmentConfig, OrganizationConfig
from modules.config.semantics import all_rules


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


def _yaml(value: Any) -> str:
    """A value as YAML's flow style writes it (`true`, `[80, 100]`, `{type: local}`), on one line."""
    text = yaml.safe_dump(value, default_flow_style=True, sort_keys=False, width=1_000_000)
    return text.removesuffix("\n...\n").strip()


def _default_text(field: FieldInfo) -> str:
    """The default as it would be written in YAML; a factory's default is built to be shown."""
    if field.is_required():
        return "**required**"
    value = field.get_default(call_default_factory=True)
    if isinstance(value, BaseModel):
        if field.annotation is type(value) and not value.model_fields_set:
            # The section's own defaults, each listed in its table: the key can be left out.
            return "`{}`"
        value = value.model_dump(mode="json")
    return "`" + _cell(_yaml(value)) + "`"


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell: a `|` would end the cell."""
    return text.replace("|", "\\|")


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


def _row(name: str, field: FieldInfo) -> str:
    meaning = _cell(field.description or "")
    return f"| `{name}` | {_type_text(field.annotation)} | {_default_text(field)} | {meaning} |"


def _section(model: type[BaseModel]) -> str:
    doc = (model.__doc__ or "").strip().splitlines()[0] if model.__doc__ else ""
    rows = [_row(name, field) for name, field in model.model_fields.items()]
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
        "Defaults are written as in YAML; `{}` means the section may be left out, each of its keys",
        "then taking the default listed in its own table.",
        "",
    ]
    for title, root in (("organization.yaml", OrganizationConfig), ("<env>.yaml", EnvironmentConfig)):
        parts += [f"## `{title}`", ""]
        parts += [_section(model) for model in _models(root)]
    parts += _rules()
    return "\n".join(parts)


def _escaped(text: str) -> str:
    return text.replace("|", "\\|")


def _rules() -> list[str]:
    """The cross-file rules by ID: the suffix of every message they produce points here."""
    rows = [
        f"| {rule.id} | `{rule.module.removeprefix('modules.')}` | {_escaped(rule.summary)} |"
        for rule in all_rules()
    ]
    return [
        "## Rules across files",
        "",
        "Checked by `lz validate` once every file has parsed; each message ends with the rule's ID.",
        "",
        "| rule | where | what it asks |",
        "|---|---|---|",
        *rows,
        "",
    ]
