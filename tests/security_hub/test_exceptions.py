"""DET-7: the controls that fail by design are disabled per account, standard and region, with a reason."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from modules.config import Estate
from modules.security_hub.exceptions import account_exceptions, disabled_controls, standards_arn
from tests.support import resources

CLOUDWATCH = {f"CloudWatch.{n}" for n in range(1, 15)}


def test_table_is_well_formed_and_cites_requirements() -> None:
    rows = disabled_controls()
    assert {row.control for row in rows} >= CLOUDWATCH | {"IAM.17", "IAM.10"}
    for row in rows:
        assert row.reason.startswith(row.requirement), row.control


def test_cloudwatch_controls_are_only_disabled_where_the_alarms_are_not(sample_estate: Estate) -> None:
    management = {e.control for e in account_exceptions(sample_estate, "management")}
    assert not management & CLOUDWATCH  # the alarms are there: the controls must pass
    assert "IAM.17" in management
    for member in ("log_archive", "prod", "dev"):
        controls = {e.control for e in account_exceptions(sample_estate, member)}
        assert controls >= CLOUDWATCH | {"IAM.17"}, member


def test_audit_account_follows_its_configured_standards(sample_estate: Estate) -> None:
    # The sample runs FSBP, CIS 3.0.0 and PCI DSS 3.2.1 in the audit account.
    found = {(e.standard, e.control) for e in account_exceptions(sample_estate, "audit")}
    assert found == {("pci-dss-3.2.1", "CloudWatch.1"), ("pci-dss-3.2.1", "IAM.10")}


def test_standard_arns() -> None:
    assert standards_arn("cis-1.2.0", "ap-northeast-1") == (
        "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0"
    )
    assert standards_arn("pci-dss-3.2.1", "ap-northeast-3") == (
        "arn:aws:securityhub:ap-northeast-3::standards/pci-dss/v/3.2.1"
    )
    assert standards_arn("cis-1.4.0", "ap-northeast-1").endswith("cis-aws-foundations-benchmark/v/1.4.0")


@pytest.mark.synth
def test_synthesized_per_account_and_region(sample_stacks: dict[str, Any]) -> None:
    prod = resources(sample_stacks["prod"], "aws_securityhub_standards_control_association").values()
    assert len(prod) == 2 * 15  # two regions x (CloudWatch.1-14 + IAM.17)
    for association in prod:
        assert association["association_status"] == "DISABLED"
        assert len(association["updated_reason"]) >= 10
    security = resources(sample_stacks["security"], "aws_securityhub_standards_control_association").values()
    assert all(a["depends_on"] for a in security)  # after the audit account's own standards


def test_a_duplicate_control_is_rejected(tmp_path: Path) -> None:
    row = (
        "  - {control: IAM.17, standards: [cis-1.2.0], accounts: all, requirement: IAM-4, "
        "reason: IAM-4 reason}\n"
    )
    table = tmp_path / "controls.yaml"
    table.write_text("controls:\n" + row + row)
    with pytest.raises(ValueError, match=r"listed twice: IAM\.17"):
        disabled_controls.__wrapped__(table)
