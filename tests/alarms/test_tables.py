"""The DET-3 alarm table and the CFG-3 rule list: complete, well-formed (no bindings needed)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from modules.alarms.table import alarm_rows
from modules.aws_config.managed_rules import managed_rules

# DET-3's event classes, in the requirement's words.
DET3_CLASSES = {
    "security group changes",
    "EC2 instance create/terminate/start/stop/reboot",
    "large (4xlarge/8xlarge) EC2 instance create/terminate/start/stop/reboot",
    "IAM policy changes",
    "unauthorized API calls",
    "console sign-in failures",
    "VPC and VPC peering changes",
    "internet/customer gateway changes",
    "network ACL changes",
    "CloudTrail changes",
    "S3 bucket policy changes",
    "root usage",
}
CFG3_RULES = {
    "db-instance-backup-enabled",
    "ec2-ebs-encryption-by-default",
    "mfa-enabled-for-iam-console-access",
    "s3-bucket-public-read-prohibited",
    "s3-bucket-public-write-prohibited",
    "restricted-ssh",
    "iam-root-access-key-check",
}


def test_every_det3_class_has_a_row() -> None:
    assert {row.event_class for row in alarm_rows()} >= DET3_CLASSES


def test_root_usage_pattern_is_the_cis_one() -> None:
    (root,) = [row for row in alarm_rows() if row.name == "root-usage"]
    assert root.pattern == (
        '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS '
        '&& $.eventType != "AwsServiceEvent" }'
    )


def test_patterns_are_balanced() -> None:
    for row in alarm_rows():
        assert row.pattern.startswith("{") and row.pattern.endswith("}"), row.name
        assert row.pattern.count("(") == row.pattern.count(")"), row.name


def test_every_cfg3_rule_is_listed() -> None:
    assert {rule.name for rule in managed_rules()} >= CFG3_RULES


def test_iam_rules_are_global() -> None:
    rules = {rule.name: rule for rule in managed_rules()}
    assert rules["iam-root-access-key-check"].global_ and rules["mfa-enabled-for-iam-console-access"].global_
    assert not rules["restricted-ssh"].global_


def test_duplicate_alarm_names_are_rejected(tmp_path: Path) -> None:
    row = "  - {name: root-usage, event_class: root usage, requirement: DET-3, pattern: '{ $.a = 1 }'}\n"
    table = tmp_path / "alarms.yaml"
    table.write_text("alarms:\n" + row + row)
    with pytest.raises(ValueError, match="listed twice: root-usage"):
        alarm_rows.__wrapped__(table)


def test_overlong_pattern_is_rejected(tmp_path: Path) -> None:
    table = tmp_path / "alarms.yaml"
    pattern = "{ " + "($.eventName = X) || " * 60 + "($.eventName = Y) }"
    table.write_text(
        f"alarms:\n  - {{name: big, event_class: big one, requirement: DET-3, pattern: '{pattern}'}}\n"
    )
    with pytest.raises(ValidationError, match="at most 1024"):
        alarm_rows.__wrapped__(table)
