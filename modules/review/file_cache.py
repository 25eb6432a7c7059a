"""A folder of files addressed by the hash of what they were made from (plans, checkov results).

An entry is written atomically (never half a file). After each review only the entries that
review used are kept, so a cache never grows stale.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


class FileCache:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.used: set[str] = set()

    def get(self, key: str) -> Path | None:
        entry = self.directory / f"{key}.json"
        if not entry.is_file():
            return None
        self.used.add(key)
        return entry

    def put(self, key: str, content: bytes) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        handle, staging = tempfile.mkstemp(dir=self.directory, prefix=".", suffix=".tmp")
        with os.fdopen(handle, "wb") as staged:
            staged.write(content)
        Path(staging).replace(self.directory / f"{key}.json")
        self.used.add(key)

    def keep_only_used(self) -> None:
        if not self.directory.is_dir():
            return
        for entry in self.directory.iterdir():
            if entry.is_file() and entry.stem not in self.used:
                entry.unlink(missing_ok=True)
