"""YAML loading that remembers where every key and value stands.

PyYAML's composer gives nodes with marks; we build plain Python data from them and keep a map
from field path to (line, column), so validation errors point at the offending node. Duplicate
keys are errors (PyYAML silently keeps the last one), citing both lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from modules.core.errors import ConfigIssue, Loc, display_path, format_loc

Position = tuple[int, int]


@dataclass
class LoadedYaml:
    """A parsed file: its data and the 1-based position of every key (and value) by path."""

    path: Path
    data: Any
    key_positions: dict[Loc, Position] = field(default_factory=dict)
    value_positions: dict[Loc, Position] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return display_path(self.path)

    def position(self, loc: Loc, *, prefer_key: bool = False) -> Position:
        """The nearest known position for `loc`: the node itself, else its closest ancestor."""
        for end in range(len(loc), -1, -1):
            prefix = loc[:end]
            first, second = (
                (self.key_positions, self.value_positions)
                if prefer_key
                else (self.value_positions, self.key_positions)
            )
            if prefix in first:
                return first[prefix]
            if prefix in second:
                return second[prefix]
        return (1, 1)

    def issue(self, loc: Loc, message: str, *, prefer_key: bool = False) -> ConfigIssue:
        line, column = self.position(loc, prefer_key=prefer_key)
        return ConfigIssue(self.name, line, column, format_loc(loc), message)


def _mark(node: yaml.Node) -> Position:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


class _Builder:
    """Turns a composed node tree into data, recording positions and duplicate keys."""

    def __init__(self, loaded: LoadedYaml) -> None:
        self.loaded = loaded
        self.issues: list[ConfigIssue] = []
        self._constructor = yaml.SafeLoader("")

    def _construct(self, node: yaml.Node) -> Any:
        return self._constructor.construct_object(node, deep=True)  # type: ignore[no-untyped-call]

    def build(self, node: yaml.Node, loc: Loc) -> Any:
        self.loaded.value_positions[loc] = _mark(node)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, loc)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*loc, index)) for index, item in enumerate(node.value)]
        return self._construct(node)

    def _mapping(self, node: yaml.MappingNode, loc: Loc) -> dict[Any, Any]:
        self._constructor.flatten_mapping(node)  # resolves `<<` merge keys
        result: dict[Any, Any] = {}
        first_seen: dict[Any, Position] = {}
        for key_node, value_node in node.value:
            key = self._construct(key_node)
            if not isinstance(key, str | int):
                line, column = _mark(key_node)
                self.issues.append(
                    ConfigIssue(
                        self.loaded.name,
                        line,
                        column,
                        format_loc(loc),
                        f"keys must be strings, got {type(key).__name__} (expected a name)",
                    )
                )
                continue
            if key in first_seen:
                line, column = _mark(key_node)
                first_line = first_seen[key][0]
                self.issues.append(
                    ConfigIssue(
                        self.loaded.name,
                        line,
                        column,
                        format_loc((*loc, key)),
                        f"duplicate key '{key}' (first defined on line {first_line}); keep only one",
                    )
                )
                continue
            first_seen[key] = _mark(key_node)
            self.loaded.key_positions[(*loc, key)] = _mark(key_node)
            result[key] = self.build(value_node, (*loc, key))
        return result


def load_yaml(path: Path) -> tuple[LoadedYaml, list[ConfigIssue]]:
    """Parse one file. Syntax errors, duplicate keys and empty documents become issues."""
    loaded = LoadedYaml(path=path, data=None)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return loaded, [ConfigIssue(loaded.name, 1, 1, "<document>", f"cannot read file: {error}")]
    try:
        documents = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = error.problem or error.context or "invalid YAML"
        if error.context and error.context_mark and error.problem:
            problem += f" ({error.context} started on line {error.context_mark.line + 1})"
        return loaded, [
            ConfigIssue(
                loaded.name, line, column, "<document>", f"YAML syntax error: {problem} (expected valid YAML)"
            )
        ]
    documents = [document for document in documents if document is not None]
    if not documents:
        return loaded, [
            ConfigIssue(loaded.name, 1, 1, "<document>", "file is empty (expected a mapping of settings)")
        ]
    if len(documents) > 1:
        line, column = _mark(documents[1])
        return loaded, [
            ConfigIssue(
                loaded.name, line, column, "<document>", "more than one YAML document (expected exactly one)"
            )
        ]
    builder = _Builder(loaded)
    try:
        loaded.data = builder.build(documents[0], ())
    except yaml.constructor.ConstructorError as error:
        mark = error.problem_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return loaded, [
            ConfigIssue(
                loaded.name,
                line,
                column,
                "<document>",
                f"YAML error: {error.problem} (expected plain YAML values)",
            )
        ]
    if not isinstance(loaded.data, dict):
        builder.issues.append(
            ConfigIssue(
                loaded.name,
                1,
                1,
                "<document>",
                f"top level is a {type(loaded.data).__name__} (expected a mapping of settings)",
            )
        )
    return loaded, builder.issues
