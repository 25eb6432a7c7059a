"""YAML loading that remembers where every key and value stands, and treats its input as hostile.

PyYAML's composer gives nodes with marks; we build plain Python data from them and keep a map
from field path to (line, column), so validation errors point at the offending node. Duplicate
keys are errors (PyYAML silently keeps the last one), citing both lines.

Config files arrive in pull requests, and `lz validate` runs on them in CI and in the pre-commit
hook, so every cost is bounded before it is paid: the file's size is checked before it is read,
its characters before it is parsed, and depth, node count, value length, documents and tags on
the parser's event stream (PyYAML's parser is iterative; its composer and our builder recurse),
before anything is composed. Aliases are counted as they are expanded. Every refusal is an issue
at file:line:col, never an exception.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from modules.core.errors import ConfigIssue, Loc, cut, display_path, format_loc, show

Position = tuple[int, int]

# --- Limits. Each is far above what a real config needs and far below what hurts. ------------
# The sample's largest file is ~5 KB; an estate with hundreds of groups stays well under 1 MiB.
# Checked before reading, so a multi-gigabyte file costs nothing.
MAX_FILE_BYTES = 1024 * 1024
# The sample's organization.yaml has ~260 nodes. 50,000 keeps PyYAML's composer (a few hundred
# bytes per node, with marks) under ~50 MB, whatever the file holds.
MAX_NODES = 50_000
# The sample nests 6 levels deep. Composer and builder recurse per level: 5,000 nested lists
# would end in RecursionError; 32 levels is plenty for any config.
MAX_DEPTH = 32
# The longest legitimate value (a job role description) is 700 characters. Longer scalars are
# refused before any validator sees (or echoes) them.
MAX_SCALAR_CHARS = 4096
# A config file is one mapping; a stream of documents is a mistake (or a way to make us work).
MAX_DOCUMENTS = 1
# Aliases let a 5 KB file describe billions of values ("billion laughs"). Expansion is counted:
# every value built again through an alias costs one; reusing a list of grants a few times costs
# tens, an attack reaches the limit after 1,000 and stops there.
MAX_ALIAS_EXPANSION = 1_000

# The YAML 1.1 core tags: an explicit `!!str` or `!!int` is harmless. Everything else (`!!python/*`,
# `!!binary`, `!custom`, `!!set`, `!!omap`) would be dropped or constructed as something no model
# expects: refused, whichever it is.
ALLOWED_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "seq", "map")
)
_MERGE_TAG = "tag:yaml.org,2002:merge"
# What YAML 1.1 allows in a stream (PyYAML's own Reader rule), minus nothing.
_NON_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Printable to YAML, but they reorder what a reviewer sees on screen ("Trojan Source").
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)
_UTF8_BOM = b"\xef\xbb\xbf"


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


class _RefusedError(Exception):
    """The input crossed a limit or used a refused feature; carries the issue to report."""

    def __init__(self, position: Position, message: str, field_name: str = "<document>") -> None:
        super().__init__(message)
        self.position = position
        self.message = message
        self.field_name = field_name


def _mark(node: yaml.Node | yaml.Event) -> Position:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def _position_of(text: str, index: int) -> Position:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


# --- Bytes and characters ---------------------------------------------------------------------


def _read_bounded(path: Path) -> bytes:
    with path.open("rb") as handle:
        data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        size = path.stat().st_size
        raise _RefusedError(
            (1, 1),
            f"file is {size} bytes (expected at most {MAX_FILE_BYTES}; a config file is a few KB)",
        )
    return data


def _decode(data: bytes) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            raise _RefusedError((1, 1), f"file is encoded as {encoding} (expected UTF-8; save it as UTF-8)")
    data = data.removeprefix(_UTF8_BOM)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        prefix = data[: error.start].decode("utf-8", errors="replace")
        raise _RefusedError(
            _position_of(prefix, len(prefix)),
            f"byte 0x{data[error.start]:02x} is not UTF-8 (expected a UTF-8 text file; was it "
            "saved as Latin-1 or Shift_JIS?)",
        ) from None


def _check_characters(text: str) -> None:
    found = _NON_PRINTABLE.search(text)
    if found:
        char = found.group()
        raise _RefusedError(
            _position_of(text, found.start()),
            f"control character U+{ord(char):04X} is not allowed (expected printable text; delete it, "
            "or write it as an escape in a double-quoted string)",
        )
    found = _BIDI_CONTROLS.search(text)
    if found:
        raise _RefusedError(
            _position_of(text, found.start()),
            f"invisible text-direction character U+{ord(found.group()):04X} (expected none: it makes "
            "what a reviewer sees differ from what is parsed)",
        )


# --- The event stream: limits before anything is composed --------------------------------------


def _tag_issue(event: yaml.Event) -> None:
    tag = getattr(event, "tag", None)
    if tag is None or tag == "!" or tag in ALLOWED_TAGS:
        return
    shown = tag.replace("tag:yaml.org,2002:", "!!")
    raise _RefusedError(
        _mark(event),
        f"tag {shown} is not allowed (expected plain YAML values: text, numbers, true/false, "
        "lists and mappings)",
    )


# libyaml when PyYAML has it (its wheels do): the event pass and composing are ~10x faster.
_FAST_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
AliasMarks = dict[tuple[Position, int], Position]


class _EventChecker:
    """Checks the limits on the event stream and notes where each alias is used.

    The composer hands an alias the anchor's node, whose mark is the anchor's: the builder uses
    these marks to point at the alias instead. They are keyed by (the parent's position, slot): a
    slot is an item's index in a sequence, and 2k / 2k+1 for the k-th key / value of a mapping.
    """

    def __init__(self) -> None:
        self.depth = self.nodes = self.documents = 0
        self.parents: list[list[Any]] = []  # [position, next slot] of each open collection
        self.alias_marks: AliasMarks = {}

    def check(self, events: Iterator[yaml.Event]) -> AliasMarks:
        for event in events:
            if isinstance(event, yaml.DocumentStartEvent):
                self.documents += 1
                if self.documents > MAX_DOCUMENTS:
                    raise _RefusedError(_mark(event), "more than one YAML document (expected exactly one)")
            elif isinstance(event, yaml.CollectionEndEvent):
                self.depth -= 1
                self.parents.pop()
            elif isinstance(event, yaml.NodeEvent):
                self._node(event)
        return self.alias_marks

    def _node(self, event: yaml.NodeEvent) -> None:
        if self.parents:
            parent = self.parents[-1]
            if isinstance(event, yaml.AliasEvent):
                self.alias_marks[(parent[0], parent[1])] = _mark(event)
            parent[1] += 1
        if isinstance(event, yaml.AliasEvent):
            return  # counted as it is expanded, by the builder
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _RefusedError(
                _mark(event), f"more than {MAX_NODES} values in one file (expected a config, not a data dump)"
            )
        _tag_issue(event)
        if isinstance(event, yaml.CollectionStartEvent):
            self.parents.append([_mark(event), 0])
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise _RefusedError(
                    _mark(event), f"nested more than {MAX_DEPTH} levels deep (expected a flatter config)"
                )
        elif isinstance(event, yaml.ScalarEvent) and len(event.value) > MAX_SCALAR_CHARS:
            raise _RefusedError(
                _mark(event),
                f"value of {len(event.value)} characters (expected at most {MAX_SCALAR_CHARS})",
            )


# --- Building data from nodes -------------------------------------------------------------------


class _Builder:
    """Turns a composed node tree into data, recording positions and duplicate keys.

    A node met a second time was reached through an alias: building it again is counted against
    MAX_ALIAS_EXPANSION. A node met while it is being built refers to itself.
    """

    def __init__(self, loaded: LoadedYaml, alias_marks: AliasMarks) -> None:
        self.loaded = loaded
        self._alias_marks = alias_marks
        self.issues: list[ConfigIssue] = []
        self._constructor = yaml.SafeLoader("")
        self._built: set[int] = set()
        self._open: set[int] = set()
        self._expanded = 0

    def _construct(self, node: yaml.Node) -> Any:
        return self._constructor.construct_object(node, deep=True)  # type: ignore[no-untyped-call]

    def _used_at(self, parent: yaml.Node, slot: int, child: yaml.Node) -> Position:
        """Where `child` appears under `parent`: the alias, when it is one, else the node itself."""
        return self._alias_marks.get((_mark(parent), slot), _mark(child))

    def build(self, node: yaml.Node, loc: Loc, depth: int = 0, at: Position | None = None) -> Any:
        at = at or _mark(node)
        self._count(node, depth, at)
        self.loaded.value_positions[loc] = at
        self._open.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, loc, depth, at)
            if isinstance(node, yaml.SequenceNode):
                return [
                    self.build(item, (*loc, index), depth + 1, self._used_at(node, index, item))
                    for index, item in enumerate(node.value)
                ]
            return self._construct(node)
        finally:
            self._open.discard(id(node))

    def _count(self, node: yaml.Node, depth: int, at: Position) -> None:
        if id(node) in self._open:
            raise _RefusedError(at, "an alias refers to the value that contains it (expected no cycles)")
        if depth > MAX_DEPTH:
            raise _RefusedError(
                at, f"aliases nest values more than {MAX_DEPTH} levels deep (expected a flatter config)"
            )
        if id(node) in self._built:
            self._expanded += 1
            if self._expanded > MAX_ALIAS_EXPANSION:
                raise _RefusedError(
                    at,
                    f"aliases expand to more than {MAX_ALIAS_EXPANSION} values (expected a few reuses "
                    "of an anchor, not an alias bomb)",
                )
        self._built.add(id(node))

    def _key(self, key_node: yaml.Node, loc: Loc) -> str | int | None:
        if not isinstance(key_node, yaml.ScalarNode):
            line, column = _mark(key_node)
            kind = "list" if isinstance(key_node, yaml.SequenceNode) else "mapping"
            self.issues.append(
                ConfigIssue(
                    self.loaded.name,
                    line,
                    column,
                    format_loc(loc),
                    f"a {kind} is used as a key (expected a name)",
                )
            )
            return None
        key = self._construct(key_node)
        if isinstance(key, str | int) and not isinstance(key, bool):
            return key
        line, column = _mark(key_node)
        self.issues.append(
            ConfigIssue(
                self.loaded.name,
                line,
                column,
                format_loc(loc),
                f"key {show(key)} is not a name (expected a name; quote it to use it as text)",
            )
        )
        return None

    def _merged(self, value_node: yaml.Node, at: Position, loc: Loc, depth: int) -> dict[Any, Any]:
        """`<<: *base` or `<<: [*a, *b]`: the mappings merged in; earlier ones win (YAML merge)."""
        if isinstance(value_node, yaml.SequenceNode):
            sources = [
                (item, self._used_at(value_node, index, item)) for index, item in enumerate(value_node.value)
            ]
        else:
            sources = [(value_node, at)]
        merged: dict[Any, Any] = {}
        for source, source_at in sources:
            if not isinstance(source, yaml.MappingNode):
                raise _RefusedError(
                    source_at,
                    "the merge key << takes a mapping or a list of mappings (expected e.g. <<: *defaults)",
                    format_loc(loc),
                )
            for key, value in self.build(source, loc, depth + 1, source_at).items():
                merged.setdefault(key, value)
        return merged

    def _mapping(self, node: yaml.MappingNode, loc: Loc, depth: int, at: Position) -> dict[Any, Any]:
        merged: dict[Any, Any] = {}
        explicit: dict[Any, Any] = {}
        first_seen: dict[Any, Position] = {}
        # Merged mappings first, so the positions of keys written out here win over theirs.
        for index, (key_node, value_node) in enumerate(node.value):
            if key_node.tag == _MERGE_TAG:
                value_at = self._used_at(node, 2 * index + 1, value_node)
                for key, value in self._merged(value_node, value_at, loc, depth).items():
                    merged.setdefault(key, value)
        self.loaded.value_positions[loc] = at
        for index, (key_node, value_node) in enumerate(node.value):
            if key_node.tag == _MERGE_TAG:
                continue
            key = self._key(key_node, loc)
            if key is None:
                continue
            if key in first_seen:
                line, column = _mark(key_node)
                self.issues.append(
                    ConfigIssue(
                        self.loaded.name,
                        line,
                        column,
                        format_loc((*loc, key)),
                        f"duplicate key {cut(str(key))} (first defined on line {first_seen[key][0]}); "
                        "keep only one",
                    )
                )
                continue
            first_seen[key] = _mark(key_node)
            self.loaded.key_positions[(*loc, key)] = _mark(key_node)
            value_at = self._used_at(node, 2 * index + 1, value_node)
            explicit[key] = self.build(value_node, (*loc, key), depth + 1, value_at)
        # Keys written out win over merged ones, as YAML's merge key defines: no duplicate.
        return {**merged, **explicit}


# --- Entry point ---------------------------------------------------------------------------------


def _syntax_issue(name: str, error: yaml.MarkedYAMLError) -> ConfigIssue:
    mark = error.problem_mark or error.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = error.problem or error.context or "invalid YAML"
    if error.context and error.context_mark and error.problem:
        problem += f" ({error.context} started on line {error.context_mark.line + 1})"
    return ConfigIssue(
        name, line, column, "<document>", f"YAML syntax error: {problem} (expected valid YAML)"
    )


def _python_parser_error(text: str) -> yaml.MarkedYAMLError | None:
    """PyYAML's own parser explains syntax errors better than libyaml: asked only on failure."""
    try:
        for _ in yaml.parse(text, Loader=yaml.SafeLoader):
            pass
    except yaml.MarkedYAMLError as error:
        return error
    return None


def _parse(loaded: LoadedYaml) -> tuple[Any, list[ConfigIssue]]:
    text = _decode(_read_bounded(loaded.path))
    _check_characters(text)
    try:
        alias_marks = _EventChecker().check(yaml.parse(text, Loader=_FAST_LOADER))
        document = yaml.compose(text, Loader=_FAST_LOADER)
    except yaml.MarkedYAMLError as error:
        return None, [_syntax_issue(loaded.name, _python_parser_error(text) or error)]
    if document is None:
        return None, [
            ConfigIssue(loaded.name, 1, 1, "<document>", "file is empty (expected a mapping of settings)")
        ]
    builder = _Builder(loaded, alias_marks)
    try:
        data = builder.build(document, ())
    except yaml.constructor.ConstructorError as error:
        mark = error.problem_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return None, [
            ConfigIssue(
                loaded.name,
                line,
                column,
                "<document>",
                f"YAML error: {error.problem} (expected plain YAML values)",
            )
        ]
    if not isinstance(data, dict):
        kind = "list" if isinstance(data, list) else f"single value {show(data)}"
        builder.issues.append(
            ConfigIssue(
                loaded.name, 1, 1, "<document>", f"top level is a {kind} (expected a mapping of settings)"
            )
        )
    return data, builder.issues


def _file_problem(path: Path) -> str | None:
    """Why `path` cannot be read as a config file, in the user's terms, or None."""
    if path.is_symlink() and not path.exists():
        return f"is a broken symbolic link to '{path.readlink()}' (expected a file, or a link to one)"
    if path.is_dir():
        return "is a directory (expected a YAML file)"
    if not path.exists():
        return "does not exist (expected a YAML file)"
    if not path.is_file():
        return "is not a regular file (expected a YAML file)"
    return None


def load_yaml(path: Path) -> tuple[LoadedYaml, list[ConfigIssue]]:
    """Parse one file. Syntax errors, limits, duplicate keys and empty documents become issues."""
    loaded = LoadedYaml(path=path, data=None)
    problem = _file_problem(path)
    if problem:
        return loaded, [ConfigIssue(loaded.name, 1, 1, "<file>", problem)]
    try:
        loaded.data, issues = _parse(loaded)
    except _RefusedError as refused:
        line, column = refused.position
        return loaded, [ConfigIssue(loaded.name, line, column, refused.field_name, refused.message)]
    except OSError as error:
        return loaded, [
            ConfigIssue(
                loaded.name, 1, 1, "<file>", f"cannot be read: {error.strerror} (expected a readable file)"
            )
        ]
    return loaded, issues
