"""A folder of results addressed by the hash of what they were made from (plans, checkov results).

A key is the hash of an identity (the tools' versions and the code that makes the result) and of
every named input's bytes, so a reused entry is what the tool would produce again. Entries are
grouped by stack (`<group>/<key>.json`) and written atomically (never half a file). The cache
records which entries a review used; what to drop, and where, is the review's decision
(modules/review/pipeline.py): a review of one environment must not evict the others' entries.

The code part of an identity is `code_digest`: the source of every module of this project that
the named modules import, found by reading their imports, so it covers the code however it is
split into files.
"""

from __future__ import annotations

import ast
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

PACKAGE = "modules"
# The folder that holds the `modules` package: module `modules.a.b` is SOURCE_ROOT/modules/a/b.py.
SOURCE_ROOT = Path(__file__).resolve().parents[2]

Inputs = Sequence[tuple[str, bytes | None]]  # (name, content); None: the input does not exist


class ContentCache:
    def __init__(self, directory: Path, identity: str) -> None:
        """`identity`: what besides the inputs decides the result (tool versions, code hash)."""
        self.directory = directory
        self.identity = identity
        self.used: dict[str, set[str]] = {}  # group -> keys this review read or wrote

    def key(self, inputs: Inputs) -> str:
        digest = hashlib.sha256(self.identity.encode())
        for name, content in inputs:
            digest.update(f"\0{name}\0".encode())
            digest.update(b"<none>" if content is None else content)
        return digest.hexdigest()

    def get(self, group: str, inputs: Inputs) -> Path | None:
        """The entry made from exactly these inputs, or None."""
        key = self.key(inputs)
        entry = self.directory / group / f"{key}.json"
        if not entry.is_file():
            return None
        self.used.setdefault(group, set()).add(key)
        return entry

    def put(self, group: str, inputs: Inputs, content: bytes) -> None:
        key = self.key(inputs)
        folder = self.directory / group
        folder.mkdir(parents=True, exist_ok=True)
        handle, staging = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
        with os.fdopen(handle, "wb") as staged:
            staged.write(content)
        Path(staging).replace(folder / f"{key}.json")
        self.used.setdefault(group, set()).add(key)

    def evict_unused(self, groups: Iterable[str] | None = None) -> None:
        """Drop the entries this review did not use: in `groups` only, or (None) everywhere,
        groups this review never touched and files of an older layout included."""
        if not self.directory.is_dir():
            return
        if groups is None:
            for path in self.directory.iterdir():
                if path.is_file():
                    path.unlink(missing_ok=True)
                elif path.is_dir() and path.name not in self.used:
                    shutil.rmtree(path, ignore_errors=True)
            groups = list(self.used)
        for group in groups:
            folder = self.directory / group
            if not folder.is_dir():
                continue
            kept = self.used.get(group, set())
            for entry in folder.iterdir():
                if entry.is_file() and entry.stem not in kept:
                    entry.unlink(missing_ok=True)


def code_digest(roots: Iterable[str]) -> str:
    """A hash of the source of `roots` and of every project module they import, transitively."""
    digest = hashlib.sha256()
    for path in code_files(roots):
        digest.update(f"\0{path.relative_to(SOURCE_ROOT).as_posix()}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def code_files(roots: Iterable[str]) -> list[Path]:
    """The files of `roots` (dotted module names) and of the project modules they import,
    with the packages (`__init__.py`) each runs on import."""
    source_root = SOURCE_ROOT
    found: dict[str, Path] = {}
    pending = list(roots)
    while pending:
        name = pending.pop()
        if name in found:
            continue
        path = _module_file(name, source_root)
        if path is None:
            continue
        found[name] = path
        parent = name.rpartition(".")[0]
        pending.extend([parent] if parent else [])
        pending.extend(_imports(path, name, source_root))
    return sorted(set(found.values()))


def _module_file(name: str, source_root: Path) -> Path | None:
    base = source_root.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imports(path: Path, name: str, source_root: Path) -> list[str]:
    """The project modules `path` imports (`from package import module` counts the module)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_bytes(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = _absolute(node, package)
            names.append(module)
            names.extend(f"{module}.{alias.name}" for alias in node.names)
    return [
        imported
        for imported in names
        if imported.split(".")[0] == PACKAGE and _module_file(imported, source_root) is not None
    ]


def _absolute(node: ast.ImportFrom, package: str) -> str:
    if not node.level:
        return node.module or ""
    parts = package.split(".")
    base = ".".join(parts[: len(parts) - node.level + 1])
    return f"{base}.{node.module}" if node.module else base
