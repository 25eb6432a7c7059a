"""control_tower mode: Control Tower's trail and recorders are used, not duplicated."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.support import load_variant, resources

pytestmark = pytest.mark.synth


def _control_tower(files: dict[str, dict[str, Any]]) -> None:
    files["organization"]["landing_zone"] = {"mode": "control_tower"}


def test_no_second_trail_or_recorder(tmp_path: Path) -> None:
    from modules.stacks.app import build_app

    estate = load_variant(tmp_path / "env", _control_tower)
    outdir = tmp_path / "out"
    build_app(estate, outdir, only=["organization", "security", "prod"]).synth()
    stacks = {d.name: json.loads((d / "cdk.tf.json").read_text()) for d in (outdir / "stacks").iterdir()}
    organization = stacks["organization"]
    # No second trail of management events; only LOG-7's S3 data events, which Control Tower's lacks.
    for trail in resources(organization, "aws_cloudtrail").values():
        assert [s["name"] for s in trail["advanced_event_selector"]] == ["S3 data events"]
    filters = resources(organization, "aws_cloudwatch_log_metric_filter").values()
    assert filters and {f["log_group_name"] for f in filters} == {"aws-controltower/CloudTrailLogs"}
    assert resources(organization, "aws_config_configuration_recorder")  # management is never enrolled
    for name in ("security", "prod"):
        assert not resources(stacks[name], "aws_config_configuration_recorder"), name
        assert resources(stacks[name], "aws_config_config_rule"), name
    assert not resources(stacks["security"], "aws_config_configuration_aggregator")
