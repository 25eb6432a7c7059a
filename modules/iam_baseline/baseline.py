"""What the IAM baseline puts in every account, as plain data (IAM-4/5/8); no cdktf.

The construct deploys these values and the review's password-policy check compares the plan with
them, so the requirement is written down once.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypedDict

if TYPE_CHECKING:
    from modules.config.models import Estate

POLICY_DIR = Path(__file__).resolve().parents[2] / "policies" / "iam_baseline"
REQUIRE_MFA_POLICY_NAME = "RequireMfaForIamUsers"
# CIS 1.17: a role to manage incidents with AWS Support, in every account.
SUPPORT_ROLE_NAME = "AwsSupportAccess"
SUPPORT_POLICY_ARN = "arn:aws:iam::aws:policy/AWSSupportAccess"


class PasswordPolicy(TypedDict):
    """The arguments of `aws_iam_account_password_policy`."""

    minimum_password_length: int
    require_uppercase_characters: bool
    require_lowercase_characters: bool
    require_numbers: bool
    require_symbols: bool
    max_password_age: int
    hard_expiry: bool
    allow_users_to_change_password: bool
    password_reuse_prevention: int


# IAM-4, source document 004. `max_password_age: 0` means passwords never expire and
# `hard_expiry: False` means no administrator reset on expiry: deliberately stricter-than-CIS
# rotation is NOT wanted (checkov's CKV_AWS_9 is suppressed with this reason).
PASSWORD_POLICY: PasswordPolicy = {
    "minimum_password_length": 14,
    "require_uppercase_characters": True,
    "require_lowercase_characters": True,
    "require_numbers": True,
    "require_symbols": True,
    "max_password_age": 0,
    "hard_expiry": False,
    "allow_users_to_change_password": True,
    "password_reuse_prevention": 24,
}

AnalyzerType = Literal["ACCOUNT", "ORGANIZATION"]


def require_mfa_policy() -> dict[str, Any]:
    """IAM-5: IAM users (break-glass only) without MFA may only set up their own MFA device."""
    document: dict[str, Any] = json.loads((POLICY_DIR / "require-mfa.json").read_text(encoding="utf-8"))
    return document


def analyzer_type(estate: Estate, account_id: str) -> AnalyzerType:
    """IAM-8: the audit account analyzes the whole organization; every other account itself."""
    return "ORGANIZATION" if account_id == estate.organization.accounts.audit.id else "ACCOUNT"


# The job roles (IAM-2) whose people open support cases; Identity Center names their roles after them.
SUPPORT_JOB_ROLES = ("SecurityAdmins", "Operators")


def support_principal_arns(estate: Estate, account_id: str) -> list[str]:
    """Who may assume the support role: the account's Identity Center roles of the support job roles
    that exist in the config, and its break-glass roles."""
    roles = estate.organization.identity_center.job_roles
    sso = [
        f"arn:aws:iam::{account_id}:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_{name}_*"
        for name in SUPPORT_JOB_ROLES
        if name in roles
    ]
    break_glass = [
        f"arn:aws:iam::{account_id}:role/{name}"
        for name in estate.organization.deployment.break_glass_role_names
    ]
    return [*sso, *break_glass]


def support_trust_policy(account_id: str, principal_arns: list[str]) -> dict[str, Any]:
    """CIS 1.17: the account's own support job roles (and break-glass) may assume the support role;
    nobody from outside. Trust names the account, the condition the roles: Identity Center role
    names end in a random suffix, which a Principal cannot match."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "SupportJobRolesAssume",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
                "Action": "sts:AssumeRole",
                "Condition": {"ArnLike": {"aws:PrincipalArn": principal_arns}},
            }
        ],
    }
