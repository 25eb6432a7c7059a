"""Backup settings: retention bounds, rules inside the vault lock, weekly outliving daily."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from modules.backup.config import BackupConfig
from modules.core.errors import ConfigError
from tests.support import Edit, load_variant


@pytest.mark.parametrize(
    "value",
    [
        {"daily": {"schedule": "cron(0 17 * * ? *)", "retention_days": 0}},
        {"daily": {"schedule": "cron(0 17 * * ? *)", "retention_days": 3651}},
        {"weekly": {"schedule": "cron(0 17 * *)", "retention_days": 90}},
        {"weekly": {"schedule": "rate(7 days)", "retention_days": 90}},
        {"selection_tag_key": ""},
    ],
)
def test_bad_backup_settings_are_rejected(value: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        BackupConfig.model_validate(value)


def config_issues(target: Path, edit: Edit) -> list[tuple[str, str, str]]:
    """(file, field, message) of every issue `lz validate` would report for the edited sample."""
    try:
        load_variant(target, edit)
    except ConfigError as error:
        return [(Path(issue.file).name, issue.field, issue.message) for issue in error.issues]
    return []


def _with_backup(backup: dict[str, Any]) -> Edit:
    def edit(files: dict[str, dict[str, Any]]) -> None:
        files["stg"]["backup"] = backup

    return edit


@pytest.mark.parametrize(
    ("backup", "expected"),
    [
        (
            {"vault_lock": {"min_retention_days": 60}},
            ["backup.daily.retention_days"],
        ),
        (
            {"vault_lock": {"min_retention_days": 10, "max_retention_days": 60}},
            ["backup.weekly.retention_days"],
        ),
        (
            {"vault_lock": {"min_retention_days": 100, "max_retention_days": 50}},
            ["backup.vault_lock.min_retention_days"],
        ),
        (
            {"weekly": {"schedule": "cron(0 18 ? * SAT *)", "retention_days": 7}},
            ["backup.weekly.retention_days"],
        ),
        ({"vault_lock": {"mode": "compliance", "min_retention_days": 7}}, []),
    ],
)
def test_backup_findings(tmp_path: Path, backup: dict[str, Any], expected: list[str]) -> None:
    issues = config_issues(tmp_path / "env", _with_backup(backup))
    assert [(file, field) for file, field, _ in issues] == [("stg.yaml", field) for field in expected]
