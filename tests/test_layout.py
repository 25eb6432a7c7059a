"""Tests mirror modules by path: a module leads to its tests by name, and back."""

from __future__ import annotations

from tests.support import ROOT

# Tiers that test the whole estate rather than one module.
WHOLE_ESTATE_TIERS = {"e2e"}


def test_every_test_folder_is_named_after_a_module_package() -> None:
    packages = {path.parent.name for path in (ROOT / "modules").glob("*/__init__.py")}
    folders = {path.parent.name for path in (ROOT / "tests").glob("*/__init__.py")}
    assert folders - WHOLE_ESTATE_TIERS, "no test folder found: the layout changed"
    assert sorted(folders - packages - WHOLE_ESTATE_TIERS) == []
