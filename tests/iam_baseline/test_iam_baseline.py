"""IAM-5: an IAM user without MFA may only set up its own MFA; IAM-4/8 values."""

from __future__ import annotations

import json

import pytest

from modules.config import Estate
from modules.core.policy_eval import FULL_AWS_ACCESS, ContextValue, Decision, Request, evaluate
from modules.iam_baseline.baseline import PASSWORD_POLICY, analyzer_type, require_mfa_policy

USER = "arn:aws:iam::444444444444:user/break-glass-1"
OTHER_USER = "arn:aws:iam::444444444444:user/someone-else"


def decide(action: str, resource: str, **context: ContextValue) -> Decision:
    # The evaluator does not expand policy variables: bind ${aws:username} to the caller.
    text = json.dumps(require_mfa_policy()).replace("${aws:username}", "break-glass-1")
    # Whatever else the user is granted (here: everything), the MFA policy must still hold.
    return evaluate([FULL_AWS_ACCESS, json.loads(text)], Request(action, resource, context=context))


@pytest.mark.parametrize(
    ("action", "resource", "context", "expected"),
    [
        ("s3:ListAllMyBuckets", "*", {}, Decision.DENY),
        ("s3:ListAllMyBuckets", "*", {"aws:MultiFactorAuthPresent": False}, Decision.DENY),
        ("iam:CreateAccessKey", USER, {}, Decision.DENY),
        ("iam:EnableMFADevice", USER, {}, Decision.ALLOW),
        ("iam:CreateVirtualMFADevice", "arn:aws:iam::444444444444:mfa/break-glass-1", {}, Decision.ALLOW),
        ("iam:ChangePassword", USER, {}, Decision.ALLOW),
        ("s3:ListAllMyBuckets", "*", {"aws:MultiFactorAuthPresent": True}, Decision.ALLOW),
    ],
)
def test_without_mfa_only_own_mfa_setup(
    action: str, resource: str, context: dict[str, ContextValue], expected: Decision
) -> None:
    assert decide(action, resource, **context) == expected


def test_mfa_policy_grants_only_the_callers_own_user() -> None:
    text = json.dumps(require_mfa_policy()).replace("${aws:username}", "break-glass-1")
    decision = evaluate([json.loads(text)], Request("iam:EnableMFADevice", OTHER_USER))
    assert decision == Decision.NOT_ALLOWED


def test_password_policy_is_iam_4() -> None:
    assert PASSWORD_POLICY["minimum_password_length"] == 14
    assert all(
        PASSWORD_POLICY[f"require_{kind}"] for kind in ("uppercase_characters", "lowercase_characters")
    )
    assert PASSWORD_POLICY["require_numbers"] and PASSWORD_POLICY["require_symbols"]
    assert PASSWORD_POLICY["max_password_age"] == 0 and PASSWORD_POLICY["hard_expiry"] is False
    assert PASSWORD_POLICY["allow_users_to_change_password"] is True
    assert PASSWORD_POLICY["password_reuse_prevention"] == 24


def test_organization_analyzer_only_in_the_audit_account(sample_estate: Estate) -> None:
    accounts = sample_estate.accounts()
    kinds = {role: analyzer_type(sample_estate, account.id or "") for role, account in accounts.items()}
    assert kinds == {role: "ORGANIZATION" if role == "audit" else "ACCOUNT" for role in accounts}
