"""Importing construct modules, in any order, loads only the bindings they use (modules/bindings.py).

The provider package's `__init__` imports all of its submodules: measured 4,274 modules (93 s on a
cold cache) when a construct module was imported before `modules.stacks`, against 5-55 for one
construct and ~215 for every stack. Each order runs in a fresh interpreter: once a process has
imported the bindings, the trap can no longer be seen in it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.support import ROOT

pytestmark = pytest.mark.synth

CONSTRUCTS = sorted(
    ".".join(path.relative_to(ROOT).with_suffix("").parts) for path in ROOT.glob("modules/*/construct.py")
)
# Well under the whole package (4,274) and ~3x what every stack loads today (~215): room for new
# resource types, while the trap, which loads everything, fails by an order of magnitude.
MOST_BINDINGS_MODULES = 600

PROBE = """
import importlib, json, sys
counts = []
for name in sys.argv[1:]:
    importlib.import_module(name)
    counts.append(sum(1 for m in sys.modules if m.split(".")[0] == "cdktf_cdktf_provider_aws"))
print(json.dumps(counts))
"""


def loaded_after_each(modules: list[str]) -> dict[str, int]:
    """Bindings modules in `sys.modules` after importing each of `modules`, in order, in a fresh process."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *modules],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env={**os.environ, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return dict(zip(modules, json.loads(result.stdout.splitlines()[-1]), strict=True))


def test_the_constructs_are_found() -> None:
    assert len(CONSTRUCTS) >= 20
    assert "modules.organization.construct" in CONSTRUCTS


@pytest.mark.parametrize(
    "order",
    [CONSTRUCTS, [*reversed(CONSTRUCTS), "modules.stacks.app"]],
    ids=["alphabetical", "reversed-then-stacks"],
)
def test_any_import_order_loads_only_the_submodules_used(order: list[str]) -> None:
    counts = loaded_after_each(order)
    first = order[0]
    assert counts[first] < 100, f"importing {first} first loaded {counts[first]} bindings modules"
    assert max(counts.values()) < MOST_BINDINGS_MODULES, counts
