"""Construct -> config provenance: a provider error from `terraform plan`, mapped to the YAML key.

Most values the provider refuses are caught by `lz validate`; one that still escapes fails the plan
with an error that cites cdk.tf.json, a file nobody edited. This module finds the YAML key that
produced the refused value, from three inputs and nothing else (pure: no cdktf, no Terraform):

- the error text Terraform printed (`with <address>`, `on cdk.tf.json line N` and the snippet line,
  or the provider's `expected <attribute> ... got <value>` summary);
- the synthesized stack (cdk.tf.json), whose `//` metadata gives each resource's construct path;
- the loaded estate, whose sources remember the position of every YAML value.

The resource's attribute value is looked up in the stack, then among the YAML values of the
environment the stack belongs to and of organization.yaml: an equal value first, else a config
value the attribute's text contains (names are built by prefixing). Ties go to the key that shares
most words with the attribute and resource type, then to the environment's own file, then to the
longest contained text, then to the section named like the construct's concern folder.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from modules.core.errors import Loc, format_loc

if TYPE_CHECKING:
    from modules.config.models import Estate
    from modules.core.yaml_loader import LoadedYaml

_ADDRESS = re.compile(r"with ((?:module\.[\w-]+\.)*)([a-z0-9_]+)\.([\w-]+)")
_SNIPPET = re.compile(r'^\s*\d+:\s*"(\w+)"\s*:\s*(.+?),?\s*$', re.MULTILINE)
_EXPECTED = re.compile(r"expected (?:[\w.]+\.)?(\w+) to .*?, got (.+?)\s*$", re.MULTILINE)
_ATTRIBUTE_WORDS = re.compile(r"[a-z]+")
# Config strings shorter than this are too common to attribute a prefixed name to.
MIN_CONTAINED_CHARS = 3


@dataclass(frozen=True)
class ConfigOrigin:
    """Where a value came from: `prod.yaml:51:23 overrides.log_retention_days`."""

    file: str
    line: int
    column: int
    key: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column} {self.key}"


@dataclass(frozen=True)
class _Refusal:
    resource_type: str | None
    resource_name: str | None
    modules: tuple[str, ...]
    attribute: str | None
    value: Any


def _literal(text: str) -> Any:
    text = text.strip().rstrip(",")
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if re.fullmatch(r"-?\d+\.\d+", text):
        return float(text)
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] == '"' else text


def parse_error(error_text: str) -> _Refusal:
    address = _ADDRESS.search(error_text)
    snippet = _SNIPPET.search(error_text)
    expected = _EXPECTED.search(error_text)
    attribute = (snippet and snippet[1]) or (expected and expected[1]) or None
    value = _literal(snippet[2]) if snippet else (_literal(expected[2]) if expected else None)
    modules = tuple(part for part in (address[1].split(".") if address else []) if part and part != "module")
    return _Refusal(
        address[2] if address else None, address[3] if address else None, modules, attribute, value
    )


def _find_attribute(block: Any, attribute: str) -> Iterator[Any]:
    """Every value of `attribute` in a resource body, nested blocks included."""
    if isinstance(block, Mapping):
        for key, value in block.items():
            if key == attribute and not isinstance(value, Mapping | list):
                yield value
            elif key != "//":
                yield from _find_attribute(value, attribute)
    elif isinstance(block, list):
        for item in block:
            yield from _find_attribute(item, attribute)


def _resource(stack_json: Mapping[str, Any], refusal: _Refusal) -> Mapping[str, Any] | None:
    if refusal.resource_type is None or refusal.resource_name is None:
        return None
    found = stack_json.get("resource", {}).get(refusal.resource_type, {}).get(refusal.resource_name)
    return found if isinstance(found, Mapping) else None


def _construct_path(resource: Mapping[str, Any] | None) -> list[str]:
    if resource is None:
        return []
    path = resource.get("//", {}).get("metadata", {}).get("path", "")
    return [part for part in str(path).split("/") if part]


def _leaves(data: Any, loc: Loc = ()) -> Iterator[tuple[Loc, Any]]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _leaves(value, (*loc, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _leaves(value, (*loc, index))
    else:
        yield loc, data


def _matches(config_value: Any, value: Any) -> int:
    """2: equal, 1: the attribute text contains the config text, 0: unrelated."""
    if isinstance(config_value, bool) or isinstance(value, bool):
        return 2 if config_value is value else 0
    if config_value == value or (isinstance(value, str) and str(config_value) == value):
        return 2
    if (
        isinstance(config_value, str)
        and isinstance(value, str)
        and len(config_value) >= MIN_CONTAINED_CHARS
        and config_value in value
    ):
        return 1
    return 0


def _words(text: str) -> set[str]:
    return set(_ATTRIBUTE_WORDS.findall(text.lower()))


def _sources_for(estate: Estate, stack: str | None) -> list[tuple[int, LoadedYaml]]:
    """(preference, source): the stack's own environment file before organization.yaml."""
    sources = []
    if stack is not None and stack in estate.sources and stack != "organization":
        sources.append((1, estate.sources[stack]))
    if "organization" in estate.sources:
        sources.append((0, estate.sources["organization"]))
    return sources


def _best(
    estate: Estate, stack: str | None, values: list[Any], context: str, concern: str | None
) -> ConfigOrigin | None:
    best: tuple[tuple[int, int, int, int, int], LoadedYaml, Loc] | None = None
    attribute_words = _words(context)
    for preference, source in _sources_for(estate, stack):
        for loc, config_value in _leaves(source.data):
            match = max((_matches(config_value, value) for value in values), default=0)
            if match == 0:
                continue
            key_words = _words(" ".join(str(part) for part in loc if isinstance(part, str)))
            contained = len(str(config_value)) if match == 1 else 0  # the longest text contained
            in_concern = int(bool(concern) and concern in loc)
            rank = (match, len(attribute_words & key_words), preference, contained, in_concern)
            if best is None or rank > best[0]:
                best = (rank, source, loc)
    if best is None:
        return None
    _, source, loc = best
    line, column = source.position(loc)
    return ConfigOrigin(source.name, line, column, format_loc(loc))


def config_origin(
    error_text: str, stack_json: Mapping[str, Any], estate: Estate, stack: str | None = None
) -> ConfigOrigin | None:
    """The YAML file:line:col and key that produced the value a Terraform error refuses, or None.

    `stack` is the stack the error came from (its folder name); without it, the child module
    named in the error's address (batched plans) or the construct path's first part is used.
    """
    refusal = parse_error(error_text)
    resource = _resource(stack_json, refusal)
    path = _construct_path(resource)
    stack = stack or (refusal.modules[-1] if refusal.modules else None) or (path[0] if path else None)
    values: list[Any] = []
    if resource is not None and refusal.attribute:
        values = list(_find_attribute(resource, refusal.attribute))
    if not values and refusal.value is not None:
        values = [refusal.value]
    values = [value for value in values if not (isinstance(value, str) and value.startswith("${"))]
    if not values:
        return None
    concern = path[1] if len(path) > 1 else None
    # The attribute's and the resource type's words: retention_in_days of a log group points at
    # log_retention_days or log_archive.retention_days before backup.weekly.retention_days.
    context = f"{refusal.attribute or ''} {refusal.resource_type or ''}".replace("aws_", " ")
    return _best(estate, stack, values, context, concern)


def _at(value: Any, steps: list[Any]) -> Any:
    for step in steps:
        if isinstance(value, Mapping) and isinstance(step, str):
            value = value.get(step)
        elif isinstance(value, list) and isinstance(step, int) and 0 <= step < len(value):
            value = value[step]
        else:
            return None
    return value


def replacement_origin(
    raw_change: Mapping[str, Any], stack_json: Mapping[str, Any], estate: Estate, stack: str
) -> ConfigOrigin | None:
    """The YAML key whose new value forces a planned replacement, or None.

    Terraform names the attribute paths that force it (`replace_paths`); their planned values
    (known after values, else the synthesized literal) are looked up among the YAML values of the
    stack's environment and organization.yaml, ranked as for provider errors. A value only AWS
    knows (an id, a reference) has no YAML key: None.
    """
    paths = (raw_change.get("change") or {}).get("replace_paths") or []
    after = (raw_change.get("change") or {}).get("after") or {}
    resource_type = str(raw_change.get("type", ""))
    name = str(raw_change.get("name") or str(raw_change.get("address", "")).rpartition(".")[2])
    resource = stack_json.get("resource", {}).get(resource_type, {}).get(name)
    resource = resource if isinstance(resource, Mapping) else None
    for path in paths:
        values = [_at(after, list(path)), _at(resource, list(path)) if resource else None]
        values = [
            value
            for value in values
            if value is not None
            and not isinstance(value, Mapping | list)
            and not (isinstance(value, str) and value.startswith("${"))
        ]
        if not values:
            continue
        construct = _construct_path(resource)
        concern = construct[1] if len(construct) > 1 else None
        attribute = next((step for step in reversed(path) if isinstance(step, str)), "")
        found = _best(estate, stack, values, f"{attribute} {resource_type}".replace("aws_", " "), concern)
        if found is not None:
            return found
    return None


def key_origin(estate: Estate, source: str, loc: Loc) -> ConfigOrigin | None:
    """`file:line:col key` of a key of one loaded file (`organization`, an environment), if present."""
    loaded = estate.sources.get(source)
    if loaded is None:
        return None
    line, column = loaded.position(loc)
    return ConfigOrigin(loaded.name, line, column, format_loc(loc))
