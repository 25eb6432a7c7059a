"""`python -m modules.organization`: the reviewer's view of where each SCP goes and its size."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from modules.organization.__main__ import main
from modules.organization.scp import available_scps
from tests.support import SAMPLE, write_variant


def test_summary_lists_every_scp_and_target(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(SAMPLE)]) == 0
    out = capsys.readouterr().out
    for name in available_scps():
        assert f"{name} " in out
    assert "Root                           5/5 incl. FullAWSAccess" in out
    assert "OU 'Workloads'" in out


def test_show_prints_the_rendered_document(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(SAMPLE), "--show", "region-deny"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["Statement"][0]["Sid"] == "DenyOutsideApprovedRegions"


def test_unknown_scp_and_bad_config_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(SAMPLE), "--show", "nope"]) == 2
    assert "known: deny-iam-access-keys" in capsys.readouterr().err

    def bad(files: dict[str, Any]) -> None:
        files["organization"]["guardrails"]["attachments"]["root"].append("region-deny")

    assert main([str(write_variant(tmp_path / "env", bad))]) == 2
    assert "Root would carry 6 SCPs" in capsys.readouterr().err
