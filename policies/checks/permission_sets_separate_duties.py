"""Separation of duties, proven on the planned inline policies of the permission sets.

InfraAdmins, Operators and <App>Apps cannot write IAM, Organizations, Identity Center or the
security services; SecurityAdmins and IAMAdmins cannot write workloads. Every forbidden action must
meet an explicit Deny in the permission set's own inline policy, so no managed policy (today's or
a later one) can grant it. The job role is the permission set's `lz:job-role` tag.
"""

import json
from collections.abc import Iterator
from typing import Any

from modules.core.policy_eval import Decision, PolicyError, Request, evaluate
from modules.review.checks import CheckContext, Outcome, check

IDENTITY_AND_SECURITY_WRITES = (
    "iam:AttachRolePolicy",
    "iam:CreateAccessKey",
    "iam:CreateRole",
    "iam:CreateUser",
    "iam:PutRolePolicy",
    "organizations:CreateAccount",
    "organizations:DetachPolicy",
    "organizations:LeaveOrganization",
    "sso:CreateAccountAssignment",
    "sso:PutInlinePolicyToPermissionSet",
    "identitystore:CreateGroupMembership",
    "cloudtrail:DeleteTrail",
    "cloudtrail:StopLogging",
    "config:StopConfigurationRecorder",
    "guardduty:DeleteDetector",
    "guardduty:UpdateDetector",
    "securityhub:DisableSecurityHub",
    "access-analyzer:DeleteAnalyzer",
)
WORKLOAD_WRITES = (
    "dynamodb:DeleteTable",
    "ec2:CreateVpc",
    "ec2:RunInstances",
    "ec2:TerminateInstances",
    "lambda:UpdateFunctionCode",
    "rds:DeleteDBInstance",
    "s3:DeleteBucket",
    "s3:PutObject",
)
FORBIDDEN = {
    "InfraAdmins": IDENTITY_AND_SECURITY_WRITES,
    "Operators": IDENTITY_AND_SECURITY_WRITES,
    "Apps": IDENTITY_AND_SECURITY_WRITES,
    "SecurityAdmins": WORKLOAD_WRITES,
    "IAMAdmins": WORKLOAD_WRITES,
}
PERMISSION_SET = "aws_ssoadmin_permission_set"


def _judge(role: str, document: Any) -> tuple[bool, str]:
    if document is None:
        return False, f"{role}: no inline policy, so nothing denies {', '.join(FORBIDDEN[role][:3])}, ..."
    try:
        allowed = [a for a in FORBIDDEN[role] if evaluate([document], Request(a)) != Decision.DENY]
    except PolicyError as error:
        return False, f"{role}: inline policy cannot be evaluated ({error})"
    if allowed:
        return False, f"{role}: no explicit Deny for {', '.join(allowed)}"
    return True, f"{role}: explicit Deny for all {len(FORBIDDEN[role])} forbidden actions"


@check(
    "LZ_IAM_001",
    "Permission sets separate duties: explicit denies on identity, security and workload writes",
)
def permission_sets_separate_duties(ctx: CheckContext) -> Iterator[Outcome]:
    for stack in ctx.stacks.values():
        inline = {
            reference: resource.values.get("inline_policy")
            for resource in stack.planned("aws_ssoadmin_permission_set_inline_policy")
            for reference in stack.references(resource.address, "permission_set_arn")
        }
        for permission_set in stack.planned(PERMISSION_SET):
            role = (permission_set.values.get("tags") or {}).get("lz:job-role")
            if role == "Administrators":
                continue  # break-glass: everything, by definition (IAM-2)
            if role not in FORBIDDEN:
                message = f"job role tag lz:job-role={role!r} is not one of {', '.join(FORBIDDEN)}"
                yield Outcome(stack.name, permission_set.address, False, message)
                continue
            text = inline.get(permission_set.address)
            passed, message = _judge(role, None if text is None else json.loads(text))
            yield Outcome(stack.name, permission_set.address, passed, message)
