"""Reuse a stack's offline plan when nothing the plan depends on has changed.

An offline plan (`-refresh=false`, no data sources, dummy credentials) is a pure function of the
stack's offline configuration, its recorded state, the Terraform version, the provider package
and the code that prepares and splits plans. The cache key hashes exactly those, so a reused plan
is byte for byte what Terraform would print again (its `timestamp` says when it was made).
After each review the cache keeps only the entries that review used (modules/review/file_cache.py).
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from modules.review.file_cache import FileCache

# The code whose output a cached plan is: a change to it invalidates every entry.
PLAN_CODE = tuple(Path(__file__).with_name(name) for name in ("terraform.py", "batch.py", "prior_state.py"))
STACK_INPUTS = ("cdk.tf.json", "terraform.tfstate")


class PlanCache:
    def __init__(self, directory: Path, tools: str) -> None:
        """`tools`: what identifies Terraform and the provider (version output, lock file)."""
        self.files = FileCache(directory)
        identity = hashlib.sha256(tools.encode())
        for source in PLAN_CODE:
            identity.update(source.read_bytes())
        self.identity = identity.hexdigest()

    def key(self, stack_dir: Path) -> str:
        digest = hashlib.sha256(self.identity.encode())
        for name in STACK_INPUTS:
            path = stack_dir / name
            digest.update(f"\0{name}\0".encode())
            digest.update(path.read_bytes() if path.is_file() else b"<none>")
        return digest.hexdigest()

    def restore(self, stack_dir: Path) -> Path | None:
        """The cached plan copied to `stack_dir/plan.json`, or None on a miss."""
        entry = self.files.get(self.key(stack_dir))
        if entry is None:
            return None
        target = stack_dir / "plan.json"
        shutil.copyfile(entry, target)
        return target

    def store(self, stack_dir: Path, plan_json: Path) -> None:
        self.files.put(self.key(stack_dir), plan_json.read_bytes())

    def keep_only_used(self) -> None:
        self.files.keep_only_used()
