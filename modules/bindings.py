"""Import only the provider bindings' submodules the constructs use, not all ~2,100.

The package `cdktf_cdktf_provider_aws` imports every submodule in its `__init__` (~4,300
modules: measured 93 s instead of 7 s on a cold cache, and ~450 MB more), although each submodule
loads the jsii assembly and registers its own types by itself, and the jsii runtime imports the
module of any type it meets that is not registered yet. The finder below makes the package
without running its `__init__`, so `from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket`
imports just that submodule (5-55 modules for one construct, ~215 for every stack).

`modules/__init__.py` installs it, so every import order takes the fast path: a construct
module imported on its own (a test, a REPL) as well as the stacks. Nothing is imported until the
bindings are: `lz validate` still loads no cdktf. The bindings are pinned; the snapshot tests
prove the synthesized JSON is unchanged, tests/stacks/test_import_trap.py that the trap stays shut.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType

PACKAGE = "cdktf_cdktf_provider_aws"


class _WithoutInit(importlib.abc.Loader):
    """A package module with its `__path__` (from the spec) whose `__init__` never runs."""

    def create_module(self, spec: ModuleSpec) -> None:
        return None  # the default module

    def exec_module(self, module: ModuleType) -> None:
        return None


class _BindingsFinder(importlib.abc.MetaPathFinder):
    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname != PACKAGE:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.submodule_search_locations is None:
            return None  # not installed (or not a package): the normal import reports it
        spec.loader = _WithoutInit()
        return spec


def install() -> None:
    """Idempotent; has no effect if the package was imported before."""
    if not any(isinstance(finder, _BindingsFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _BindingsFinder())
