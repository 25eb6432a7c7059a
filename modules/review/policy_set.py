"""Every policy input of a review at once: checks, suppressions, change safety, the baseline."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

from modules.core.errors import ConfigIssue
from modules.review.change_safety import CHECK_IDS as CHANGE_CHECK_IDS
from modules.review.change_safety import ChangeSafety, load_change_safety
from modules.review.checks import Check, load_checks
from modules.review.compliance import Baseline, consistency_issues, load_baseline
from modules.review.suppressions import Suppressions, load_suppressions

# Not policy: check fixtures, byte code and documentation do not change a verdict.
NOT_POLICY = frozenset({"fixtures", "__pycache__"})
DOCUMENTATION = ".md"


@dataclass(frozen=True)
class Policies:
    checks: list[Check]
    suppressions: Suppressions
    change_safety: ChangeSafety
    baseline: Baseline
    issues: list[ConfigIssue]


def load_policies(root: Path, today: dt.date) -> Policies:
    """Every policy input at once; shape errors raise ConfigError, governance gaps become issues."""
    checks = load_checks(root / "checks")
    suppressions = load_suppressions(root / "suppressions.yaml", today=today)
    change_safety = load_change_safety(root / "change_safety.yaml", today=today)
    baseline, source = load_baseline(root / "compliance" / "baseline.yaml")
    mapped = consistency_issues(baseline, source, {check.id for check in checks} | set(CHANGE_CHECK_IDS))
    issues = [*suppressions.issues, *change_safety.issues, *mapped]
    return Policies(checks, suppressions, change_safety, baseline, issues)


def tree_digest(
    root: Path, skip: frozenset[str] = NOT_POLICY, skip_suffixes: frozenset[str] = frozenset({DOCUMENTATION})
) -> str:
    """A hash of every file under `root` (names and bytes), files ending in `skip_suffixes`
    (Markdown) and folders named in `skip` left out."""
    digest = hashlib.sha256()
    if root.is_dir():
        for path in sorted(root.rglob("*")):
            relative = path.relative_to(root)
            if path.is_file() and path.suffix not in skip_suffixes and not skip.intersection(relative.parts):
                digest.update(f"\0{relative.as_posix()}\0".encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()
