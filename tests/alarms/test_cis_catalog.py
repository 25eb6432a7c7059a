"""DET-5: the alarm catalog covers every metric-filter control of CIS AWS Foundations v3-v5.

CIS numbering of v3.0 (section 4, "Monitoring"); v4 and v5 keep the same controls. Each control is
checked by the events its filter must catch, so a row that exists but misses an event fails.
"""

from __future__ import annotations

import pytest

from modules.alarms.table import alarm_rows

# CIS control -> (alarm row, event names or fragments its pattern must contain)
CIS_MONITORING: dict[str, tuple[str, tuple[str, ...]]] = {
    "4.1": ("unauthorized-api-calls", ("*UnauthorizedOperation", "AccessDenied*")),
    "4.2": ("console-signin-without-mfa", ("ConsoleLogin", "MFAUsed", '!= "Yes"')),
    "4.3": ("root-usage", ('"Root"', "invokedBy NOT EXISTS", "AwsServiceEvent")),
    "4.4": (
        "iam-policy-changes",
        ("PutRolePolicy", "AttachRolePolicy", "CreatePolicyVersion", "DetachGroupPolicy"),
    ),
    "4.5": (
        "cloudtrail-changes",
        ("CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging"),
    ),
    "4.6": ("console-signin-failures", ("ConsoleLogin", "Failed authentication")),
    "4.7": ("kms-key-disable-or-deletion", ("kms.amazonaws.com", "DisableKey", "ScheduleKeyDeletion")),
    "4.8": ("s3-bucket-policy-changes", ("PutBucketPolicy", "DeleteBucketPolicy", "PutBucketAcl")),
    "4.9": (
        "config-changes",
        (
            "StopConfigurationRecorder",
            "DeleteDeliveryChannel",
            "PutDeliveryChannel",
            "PutConfigurationRecorder",
        ),
    ),
    "4.10": ("security-group-changes", ("AuthorizeSecurityGroupIngress", "RevokeSecurityGroupEgress")),
    "4.11": ("network-acl-changes", ("CreateNetworkAclEntry", "ReplaceNetworkAclAssociation")),
    "4.12": ("gateway-changes", ("CreateCustomerGateway", "AttachInternetGateway", "DetachInternetGateway")),
    "4.13": (
        "route-table-changes",
        (
            "CreateRoute",
            "CreateRouteTable",
            "ReplaceRoute",
            "ReplaceRouteTableAssociation",
            "DeleteRouteTable",
            "DeleteRoute",
            "DisassociateRouteTable",
        ),
    ),
    "4.14": ("vpc-changes", ("CreateVpc", "DeleteVpc", "ModifyVpcAttribute", "CreateVpcPeeringConnection")),
    "4.15": (
        "organizations-changes",
        (
            "organizations.amazonaws.com",
            "CreateAccount",
            "AttachPolicy",
            "MoveAccount",
            "LeaveOrganization",
            "UpdatePolicy",
            "EnablePolicyType",
        ),
    ),
}


@pytest.mark.parametrize("control", sorted(CIS_MONITORING, key=lambda c: int(c.split(".")[1])))
def test_cis_control_has_a_row_catching_its_events(control: str) -> None:
    name, events = CIS_MONITORING[control]
    rows = {row.name: row for row in alarm_rows()}
    assert name in rows, f"CIS {control}: no alarm row '{name}'"
    missing = [event for event in events if event not in rows[name].pattern]
    assert missing == [], f"CIS {control} ({name}) misses {missing}"
    assert f"CIS {control})" in rows[name].requirement


def test_det5_rows_cite_det5() -> None:
    det5 = {
        "console-signin-without-mfa",
        "kms-key-disable-or-deletion",
        "config-changes",
        "route-table-changes",
        "organizations-changes",
    }
    for row in alarm_rows():
        assert row.requirement.startswith("DET-5") == (row.name in det5), row.name
