"""Construct IDs are Terraform addresses: any change to a synthesized stack shows up here.

On an intended change: `make snapshots` (UPDATE_SNAPSHOTS=1) and commit the new files.
"""

from __future__ import annotations

import difflib
import json
import os
from pathlib import Path
from typing import Any

import pytest

SNAPSHOTS = Path(__file__).parent / "snapshots"
pytestmark = pytest.mark.synth


def normalized(stack: dict[str, Any]) -> str:
    """Stable text of a stack: machine-specific bits (local state path) replaced."""
    stack = json.loads(json.dumps(stack))
    local = stack.get("terraform", {}).get("backend", {}).get("local")
    if local is not None:
        local["path"] = "<local-state>"
    return json.dumps(stack, indent=2, sort_keys=True) + "\n"


def test_every_stack_has_a_snapshot(sample_stacks: dict[str, Any]) -> None:
    if os.environ.get("UPDATE_SNAPSHOTS"):
        SNAPSHOTS.mkdir(exist_ok=True)
        for stale in {p.stem for p in SNAPSHOTS.glob("*.json")} - set(sample_stacks):
            (SNAPSHOTS / f"{stale}.json").unlink()
        for name, stack in sample_stacks.items():
            (SNAPSHOTS / f"{name}.json").write_text(normalized(stack))
    assert sorted(p.stem for p in SNAPSHOTS.glob("*.json")) == sorted(sample_stacks)


@pytest.mark.parametrize("stack", ["organization", "log-archive", "security", "prod", "stg", "dev"])
def test_stack_matches_snapshot(stack: str, sample_stacks: dict[str, Any]) -> None:
    actual = normalized(sample_stacks[stack])
    path = SNAPSHOTS / f"{stack}.json"
    if os.environ.get("UPDATE_SNAPSHOTS"):
        SNAPSHOTS.mkdir(exist_ok=True)
        path.write_text(actual)
    expected = path.read_text() if path.exists() else ""
    if actual != expected:
        diff = "".join(
            list(
                difflib.unified_diff(
                    expected.splitlines(True),
                    actual.splitlines(True),
                    f"snapshot/{stack}.json",
                    f"synth/{stack}",
                )
            )[:200]
        )
        pytest.fail(
            f"stack '{stack}' differs from its snapshot; renamed construct IDs destroy and "
            f"recreate resources. If intended, run `make snapshots`.\n{diff}"
        )
