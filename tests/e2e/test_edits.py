"""The emulator run's edits: pruning that says what it dropped, single values, ignore_changes.

Pure (no emulator, no synth): runs with the unit tests, not only under `make e2e`.
"""

from __future__ import annotations

from typing import Any

from tests.e2e.edits import drop_values, ignore_changes, prune


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


def test_ignore_changes_adds_to_the_lifecycle_and_keeps_what_is_there() -> None:
    config = {
        "resource": {
            "aws_backup_vault": {
                "vault": {"name": "v", "lifecycle": {"prevent_destroy": True}},
            },
            "aws_flow_log": {"archive": {"destination_options": [{"file_format": "parquet"}]}},
            "aws_sns_topic": {"alerts": {}},
        }
    }
    entries = [
        {"resource_types": ["aws_backup_vault", "aws_backup_plan"], "attributes": ["tags_all"]},
        {"resource_types": ["aws_flow_log"], "attributes": ["destination_options"]},
    ]
    adjusted, lines = ignore_changes(config, entries)
    resources = adjusted["resource"]
    assert resources["aws_backup_vault"]["vault"]["lifecycle"] == {
        "prevent_destroy": True,
        "ignore_changes": ["tags_all"],
    }
    # The value is still configured (and sent on create); only the comparison is dropped.
    assert resources["aws_flow_log"]["archive"]["destination_options"] == [{"file_format": "parquet"}]
    assert resources["aws_flow_log"]["archive"]["lifecycle"] == {"ignore_changes": ["destination_options"]}
    assert resources["aws_sns_topic"]["alerts"] == {}
    assert lines == [
        "aws_backup_vault.vault ignore_changes tags_all",
        "aws_flow_log.archive ignore_changes destination_options",
    ]
    assert "lifecycle" not in config["resource"]["aws_flow_log"]["archive"]
    again, more = ignore_changes(adjusted, entries)
    assert again == adjusted
    assert more == []
