"""Each permission set's policies evaluated for sensitive actions (IAM-2: separation of duties).

Managed policies are AWS's real documents (policies/managed/, modules/identity_center/managed.py), so a
"denied" here comes from the inline policy's explicit denies or from nothing granting the action.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from modules.config import Estate
from modules.core.policy_eval import ContextValue, Decision, Request, evaluate
from modules.identity_center.managed import evaluation_policies
from modules.identity_center.permission_sets import (
    MAX_INLINE_POLICY_CHARS,
    PermissionSet,
    PermissionSetError,
    check_inline_policy,
    permission_sets,
    render_inline_policy,
)

ALLOW, DENY, NOT_ALLOWED = Decision.ALLOW, Decision.DENY, Decision.NOT_ALLOWED
BILLING_FUNCTION = "arn:aws:lambda:ap-northeast-1:666666666666:function:billing-api"
CATALOG_FUNCTION = "arn:aws:lambda:ap-northeast-1:666666666666:function:catalog-api"
INSTANCE = "arn:aws:ec2:ap-northeast-1:444444444444:instance/i-0123456789abcdef0"


def by_name(estate: Estate) -> dict[str, PermissionSet]:
    return {permission_set.name: permission_set for permission_set in permission_sets(estate)}


def decide(
    permission_set: PermissionSet, action: str, resource: str = "*", **context: ContextValue
) -> Decision:
    policies = evaluation_policies(permission_set.managed_policies, permission_set.inline_policy)
    return evaluate(policies, Request(action, resource, context=context))


# (permission set, action, resource, context, expected)
MATRIX: list[tuple[str, str, str, dict[str, ContextValue], Decision]] = [
    ("Administrators", "iam:CreateUser", "*", {}, ALLOW),
    ("Administrators", "organizations:LeaveOrganization", "*", {}, ALLOW),
    ("InfraAdmins", "ec2:CreateVpc", "*", {}, ALLOW),
    ("InfraAdmins", "ec2:RunInstances", "*", {}, ALLOW),
    ("InfraAdmins", "iam:CreateUser", "*", {}, DENY),
    ("InfraAdmins", "iam:AttachRolePolicy", "*", {}, DENY),
    ("InfraAdmins", "iam:GetRole", "*", {}, ALLOW),
    ("InfraAdmins", "iam:CreateServiceLinkedRole", "*", {}, ALLOW),
    ("InfraAdmins", "iam:PassRole", "arn:aws:iam::444444444444:role/workload/billing-task", {}, ALLOW),
    ("InfraAdmins", "iam:PassRole", "arn:aws:iam::444444444444:role/service-role/backup", {}, ALLOW),
    # Escalation: passing a role that can do more than the caller (any role outside the workload paths).
    ("InfraAdmins", "iam:PassRole", "arn:aws:iam::444444444444:role/billing-task", {}, NOT_ALLOWED),
    ("InfraAdmins", "iam:PassRole", "arn:aws:iam::444444444444:role/OpsAdmin", {}, NOT_ALLOWED),
    ("InfraAdmins", "iam:PassRole", "arn:aws:iam::444444444444:role/LandingZoneDeployer", {}, DENY),
    ("InfraAdmins", "organizations:CreateAccount", "*", {}, DENY),
    ("InfraAdmins", "sso:CreateAccountAssignment", "*", {}, DENY),
    ("InfraAdmins", "cloudtrail:StopLogging", "*", {}, DENY),
    ("InfraAdmins", "config:PutConfigurationRecorder", "*", {}, DENY),
    ("InfraAdmins", "guardduty:UpdateDetector", "*", {}, DENY),
    ("InfraAdmins", "securityhub:BatchUpdateFindings", "*", {}, DENY),
    ("InfraAdmins", "access-analyzer:DeleteAnalyzer", "*", {}, DENY),
    ("InfraAdmins", "guardduty:GetFindings", "*", {}, ALLOW),
    ("SecurityAdmins", "guardduty:UpdateDetector", "*", {}, ALLOW),
    ("SecurityAdmins", "securityhub:BatchUpdateFindings", "*", {}, ALLOW),
    ("SecurityAdmins", "config:PutConfigRule", "*", {}, ALLOW),
    ("SecurityAdmins", "s3:GetObject", "arn:aws:s3:::acme-logs/AWSLogs/x", {}, ALLOW),
    ("SecurityAdmins", "guardduty:DeleteDetector", "*", {}, DENY),
    ("SecurityAdmins", "cloudtrail:StopLogging", "*", {}, DENY),
    ("SecurityAdmins", "ec2:RunInstances", "*", {}, DENY),
    ("SecurityAdmins", "s3:PutObject", "arn:aws:s3:::billing-data/x", {}, DENY),
    ("SecurityAdmins", "iam:CreateUser", "*", {}, NOT_ALLOWED),
    ("IAMAdmins", "iam:CreateRole", "arn:aws:iam::444444444444:role/billing-task", {}, ALLOW),
    ("IAMAdmins", "iam:AttachRolePolicy", "arn:aws:iam::444444444444:role/billing-task", {}, ALLOW),
    ("IAMAdmins", "sso:CreateAccountAssignment", "*", {"aws:ResourceTag/lz:job-role": "Operators"}, ALLOW),
    # Escalation: self-assignment through Identity Center (assignment or group membership).
    (
        "IAMAdmins",
        "sso:CreateAccountAssignment",
        "*",
        {"aws:ResourceTag/lz:job-role": "Administrators"},
        DENY,
    ),
    (
        "IAMAdmins",
        "identitystore:CreateGroupMembership",
        "arn:aws:identitystore::111111111111:group/9a67a1b2-c3d4-4e5f-8a9b-0c1d2e3f4a5b",
        {},
        DENY,
    ),
    (
        "IAMAdmins",
        "identitystore:CreateGroupMembership",
        "arn:aws:identitystore::111111111111:group/4e5f6a7b-8c9d-4e0f-1a2b-3c4d5e6f7a8b",
        {},
        ALLOW,
    ),
    # Escalation: access keys for another user; attaching an administrator policy.
    ("IAMAdmins", "iam:CreateAccessKey", "arn:aws:iam::111111111111:user/BreakGlass", {}, DENY),
    (
        "IAMAdmins",
        "iam:AttachRolePolicy",
        "arn:aws:iam::444444444444:role/billing-task",
        {"iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess"},
        DENY,
    ),
    ("IAMAdmins", "ec2:RunInstances", "*", {}, DENY),
    ("IAMAdmins", "s3:GetObject", "arn:aws:s3:::billing-data/x", {}, DENY),
    ("IAMAdmins", "sso:PutInlinePolicyToPermissionSet", "*", {}, DENY),
    (
        "IAMAdmins",
        "iam:UpdateAssumeRolePolicy",
        "arn:aws:iam::444444444444:role/LandingZoneDeployer",
        {},
        DENY,
    ),
    (
        "IAMAdmins",
        "iam:DeleteRole",
        "arn:aws:iam::444444444444:role/aws-reserved/sso.amazonaws.com/x",
        {},
        DENY,
    ),
    ("Operators", "ec2:StartInstances", INSTANCE, {}, ALLOW),
    ("Operators", "ec2:StopInstances", INSTANCE, {}, ALLOW),
    ("Operators", "ssm:StartSession", INSTANCE, {}, ALLOW),
    ("Operators", "ssm:TerminateSession", "*", {}, ALLOW),
    ("Operators", "backup:StartBackupJob", "*", {}, ALLOW),
    ("Operators", "cloudwatch:SetAlarmState", "*", {}, ALLOW),
    ("Operators", "ec2:TerminateInstances", INSTANCE, {}, DENY),
    ("Operators", "ec2:RunInstances", "*", {}, DENY),
    ("Operators", "rds:DeleteDBInstance", "*", {}, DENY),
    ("Operators", "backup:DeleteRecoveryPoint", "*", {}, DENY),
    ("Operators", "iam:CreateUser", "*", {}, DENY),
    ("Operators", "guardduty:UpdateDetector", "*", {}, DENY),
    # <App>Apps: development manages the application's own resources, production only reads.
    ("BillingApps-Dev", "lambda:UpdateFunctionCode", BILLING_FUNCTION, {}, ALLOW),
    ("BillingApps-Prod", "lambda:UpdateFunctionCode", BILLING_FUNCTION, {}, NOT_ALLOWED),
    ("BillingApps-Stg", "lambda:UpdateFunctionCode", BILLING_FUNCTION, {}, NOT_ALLOWED),
    ("BillingApps-Dev", "lambda:UpdateFunctionCode", CATALOG_FUNCTION, {}, NOT_ALLOWED),
    ("BillingApps-Dev", "ec2:RunInstances", "*", {"aws:RequestTag/lz:application": "Billing"}, ALLOW),
    ("BillingApps-Dev", "ec2:RunInstances", "*", {"aws:RequestTag/lz:application": "Catalog"}, DENY),
    ("BillingApps-Prod", "ec2:RunInstances", "*", {"aws:RequestTag/lz:application": "Billing"}, NOT_ALLOWED),
    ("BillingApps-Dev", "ec2:StopInstances", INSTANCE, {"aws:ResourceTag/lz:application": "Billing"}, ALLOW),
    (
        "BillingApps-Dev",
        "ec2:StopInstances",
        INSTANCE,
        {"aws:ResourceTag/lz:application": "Catalog"},
        DENY,
    ),
    # Escalation: tag-overwrite takeover of another application's resource.
    (
        "BillingApps-Dev",
        "ec2:CreateTags",
        INSTANCE,
        {"aws:ResourceTag/lz:application": "Catalog", "aws:RequestTag/lz:application": "Billing"},
        DENY,
    ),
    ("BillingApps-Dev", "ec2:DeleteTags", INSTANCE, {"aws:TagKeys": ["lz:application"]}, DENY),
    ("BillingApps-Dev", "iam:CreateRole", "*", {}, DENY),
    ("BillingApps-Dev", "iam:PassRole", "arn:aws:iam::666666666666:role/billing-task", {}, ALLOW),
    ("BillingApps-Prod", "iam:PassRole", "arn:aws:iam::444444444444:role/billing-task", {}, NOT_ALLOWED),
    ("BillingApps-Prod", "guardduty:UpdateDetector", "*", {}, DENY),
    (
        "BillingApps-Prod",
        "logs:FilterLogEvents",
        "arn:aws:logs:ap-northeast-1:444444444444:log-group:/aws/lambda/billing-api",
        {},
        ALLOW,
    ),
    (
        "BillingApps-Prod",
        "logs:FilterLogEvents",
        "arn:aws:logs:ap-northeast-1:444444444444:log-group:/aws/lambda/catalog-api",
        {},
        NOT_ALLOWED,
    ),
]


@pytest.mark.parametrize(
    ("name", "action", "resource", "context", "expected"),
    MATRIX,
    ids=[f"{row[0]}-{row[1]}-{row[4].value}" for row in MATRIX],
)
def test_sensitive_actions(
    sample_estate: Estate,
    name: str,
    action: str,
    resource: str,
    context: dict[str, ContextValue],
    expected: Decision,
) -> None:
    assert decide(by_name(sample_estate)[name], action, resource, **context) == expected


def test_every_permission_set_but_administrators_has_explicit_denies(sample_estate: Estate) -> None:
    for permission_set in permission_sets(sample_estate):
        if permission_set.job_role == "Administrators":
            assert permission_set.inline_policy is None
            continue
        assert permission_set.inline_policy is not None, permission_set.name
        effects = {statement["Effect"] for statement in permission_set.inline_policy["Statement"]}
        assert "Deny" in effects, permission_set.name


def test_inline_policies_fit_the_size_limit(sample_estate: Estate) -> None:
    for permission_set in permission_sets(sample_estate):
        assert len(permission_set.inline_policy_text or "") <= MAX_INLINE_POLICY_CHARS


def test_permission_set_names_fit_identity_center(sample_estate: Estate) -> None:
    names = [permission_set.name for permission_set in permission_sets(sample_estate)]
    assert len(names) == len(set(names))
    assert all(len(name) <= 32 for name in names)


def test_broken_templates_are_rejected(tmp_path: Path) -> None:
    for name in ("managed-policies.yaml", "action-groups.yaml"):
        (tmp_path / name).write_text("{}\n")
    (tmp_path / "operators.json.j2").write_text(
        '{#- description: x -#}\n{"Version": "2012-10-17", {{ oops }}}'
    )
    with pytest.raises(PermissionSetError, match="does not render"):
        render_inline_policy("Operators", {}, tmp_path)
    statement = {"Sid": "A", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}
    with pytest.raises(PermissionSetError, match="duplicate Sid A"):
        check_inline_policy("x", json.dumps({"Version": "2012-10-17", "Statement": [statement, statement]}))
    with pytest.raises(PermissionSetError, match="still contains"):
        check_inline_policy("x", '{"Version": "2012-10-17", "Statement": [], "x": "{{ y }}"}')
    big = {**statement, "Action": [f"s3:Get{i:05d}" for i in range(800)]}
    with pytest.raises(PermissionSetError, match="characters minified"):
        check_inline_policy("x", json.dumps({"Version": "2012-10-17", "Statement": [big]}))
