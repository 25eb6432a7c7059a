"""Patching: staging goes first; the offset moves both the window and the approval delay."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from modules.config import Estate
from modules.core.errors import ConfigError
from modules.patching.config import PatchingConfig
from tests.support import Edit, load_variant


def test_offset_shifts_window_and_approval() -> None:
    patching = PatchingConfig(day="SAT", offset_days=2, approve_after_days=7)
    assert patching.schedule("production") == "cron(0 18 ? * MON *)"
    assert patching.approval_delay("production") == 9


def test_production_defaults_to_after_staging() -> None:
    patching = PatchingConfig()
    assert patching.approval_delay("production") > patching.approval_delay("staging")
    assert patching.window_day("production") != patching.window_day("staging")


def test_sample_patches_staging_before_production(sample_estate: Estate) -> None:
    prod, stg = sample_estate.environments["prod"], sample_estate.environments["stg"]
    assert prod.patching.approval_delay(prod.stage) > stg.patching.approval_delay(stg.stage)


def config_issues(target: Path, edit: Edit) -> list[tuple[str, str, str]]:
    """(file, field, message) of every issue `lz validate` would report for the edited sample."""
    try:
        load_variant(target, edit)
    except ConfigError as error:
        return [(Path(issue.file).name, issue.field, issue.message) for issue in error.issues]
    return []


@pytest.mark.parametrize(
    ("edit_env", "patching", "expected"),
    [
        ("prod", {"offset_days": 0}, ("prod.yaml", "patching.offset_days")),
        ("stg", {"offset_days": 3}, ("prod.yaml", "patching.offset_days")),
        ("dev", {"duration_hours": 2, "cutoff_hours": 2}, ("dev.yaml", "patching.cutoff_hours")),
        ("prod", {"offset_days": 7}, ("prod.yaml", "patching.offset_days")),
    ],
)
def test_patching_findings(
    tmp_path: Path, edit_env: str, patching: dict[str, Any], expected: tuple[str, str]
) -> None:
    def edit(files: dict[str, dict[str, Any]]) -> None:
        files[edit_env].setdefault("patching", {}).update(patching)

    issues = config_issues(tmp_path / "env", edit)
    assert [(file, field) for file, field, _ in issues] == [expected], issues
