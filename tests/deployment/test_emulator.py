"""The emulator switch: loopback only, explicit only, and pruning that says what it dropped."""

from __future__ import annotations

from typing import Any

import pytest

from modules.deployment.emulator import prune, validate_endpoint


@pytest.mark.parametrize("url", ["http://127.0.0.1:5000", "http://localhost:4566"])
def test_loopback_endpoints_are_accepted(url: str) -> None:
    assert validate_endpoint(url) == url


@pytest.mark.parametrize(
    "url", ["http://10.0.0.5:5000", "https://127.0.0.1:5000", "http://127.0.0.1", "moto"]
)
def test_anything_but_loopback_is_refused(url: str) -> None:
    with pytest.raises(ValueError, match="loopback only"):
        validate_endpoint(url)


def stack() -> dict[str, Any]:
    return {
        "resource": {
            "aws_securityhub_account": {"hub": {}},
            "aws_securityhub_standards_subscription": {
                "fsbp": {"depends_on": ["aws_securityhub_account.hub"]}
            },
            "aws_cloudwatch_event_rule": {"findings": {"event_pattern": "{}"}},
            "aws_cloudwatch_event_target": {
                "to_sns": {"rule": "${aws_cloudwatch_event_rule.findings.name}"},
                "hub_link": {"arn": "${aws_securityhub_standards_subscription.fsbp.id}"},
            },
            "aws_sns_topic": {"alerts": {}},
        },
        "output": {"hub": {"value": "${aws_securityhub_account.hub.id}"}, "topic": {"value": "x"}},
    }


def test_prune_removes_excluded_types_and_their_dependents_transitively() -> None:
    pruned, removed = prune(stack(), {"aws_securityhub_account": "moto returns 500"})
    assert removed == [
        "aws_cloudwatch_event_target.hub_link",
        "aws_securityhub_account.hub",
        "aws_securityhub_standards_subscription.fsbp",
    ]
    assert set(pruned["resource"]) == {
        "aws_cloudwatch_event_rule",
        "aws_cloudwatch_event_target",
        "aws_sns_topic",
    }
    assert list(pruned["resource"]["aws_cloudwatch_event_target"]) == ["to_sns"]
    assert list(pruned["output"]) == ["topic"]


def test_prune_without_exclusions_changes_nothing() -> None:
    pruned, removed = prune(stack(), {})
    assert pruned == stack()
    assert removed == []


def test_drop_values_removes_only_the_named_value() -> None:
    from modules.deployment.emulator import drop_values

    config = {
        "resource": {"aws_organizations_organization": {"org": {"aws_service_access_principals": ["a", "b"]}}}
    }
    drops = [
        {
            "resource_type": "aws_organizations_organization",
            "attribute": "aws_service_access_principals",
            "value": "b",
        }
    ]
    adjusted, removed = drop_values(config, drops)
    assert adjusted["resource"]["aws_organizations_organization"]["org"]["aws_service_access_principals"] == [
        "a"
    ]
    assert removed == ["aws_organizations_organization.org.aws_service_access_principals -= b"]
    assert config["resource"]["aws_organizations_organization"]["org"]["aws_service_access_principals"] == [
        "a",
        "b",
    ]


def test_prune_accepts_address_patterns() -> None:
    _, removed = prune(stack(), {"aws_cloudwatch_event_target.hub_*": "one resource only"})
    assert removed == ["aws_cloudwatch_event_target.hub_link"]


@pytest.mark.synth
def test_state_dir_moves_local_state_out_of_the_project(sample_estate: Any, tmp_path: Any) -> None:
    import json
    import os

    from modules.stacks.app import build_app

    build_app(sample_estate, tmp_path / "out", only=["dev"], state_dir=tmp_path / "state").synth()
    stack = json.loads((tmp_path / "out" / "stacks" / "dev" / "cdk.tf.json").read_text())
    relative = stack["terraform"]["backend"]["local"]["path"]
    resolved = os.path.normpath(tmp_path / "out" / "stacks" / "dev" / relative)
    assert resolved == str(tmp_path / "state" / "dev.tfstate")
