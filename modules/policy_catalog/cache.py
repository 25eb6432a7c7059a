"""Catalog verdicts cached per document, so `lz validate` re-checks only what changed.

The key is the document's text, the catalog version, the global-keys file and the checker's own
source: any of them changing misses the cache, so a cached verdict is never stale. Entries live in
`.build/cache/policy-catalog/` of the checkout (or nowhere when that is not writable: the check
then just runs every time).
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

from modules.core.policy_templates import minify
from modules.policy_catalog import catalog
from modules.policy_catalog.check import CatalogFinding, check_document

CACHE_DIR = Path(__file__).resolve().parents[2] / ".build" / "cache" / "policy-catalog"
_SOURCES = ("catalog.py", "check.py")


@cache
def _salt() -> str:
    digest = hashlib.sha256(catalog.version().encode())
    digest.update(catalog.GLOBAL_KEYS_FILE.read_bytes())
    for name in _SOURCES:
        digest.update((Path(__file__).parent / name).read_bytes())
    return digest.hexdigest()


def cached_check(document: dict[str, Any], name: str, directory: Path = CACHE_DIR) -> list[CatalogFinding]:
    key = hashlib.sha256(f"{_salt()}\n{name}\n{minify(document)}".encode()).hexdigest()
    path = directory / f"{key}.json"
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
        return [CatalogFinding(*row) for row in rows]
    except (OSError, ValueError, TypeError):
        pass
    findings = check_document(document, name)
    _store(path, [[f.document, f.sid, f.entry, f.message] for f in findings])
    return findings


def _store(path: Path, rows: list[list[str]]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, encoding="utf-8") as handle:
            json.dump(rows, handle)
        Path(handle.name).replace(path)  # atomic: a concurrent reader never sees half a file
    except OSError:
        return
