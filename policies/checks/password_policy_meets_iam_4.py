"""Every account's IAM password policy is exactly the one source document 004 asks for."""

from collections.abc import Iterator

from modules.iam_baseline.baseline import PASSWORD_POLICY
from modules.review.checks import CheckContext, Outcome, check

RESOURCE = "aws_iam_account_password_policy"


@check("LZ_IAM_002", "Every account has the IAM-4 password policy")
def password_policy_meets_iam_4(ctx: CheckContext) -> Iterator[Outcome]:
    for stack in ctx.stacks.values():
        policies = stack.planned(RESOURCE)
        if not policies:
            yield Outcome(stack.name, RESOURCE, False, "no password policy in this account (IAM-4)")
        for policy in policies:
            wrong = [
                f"{key}={policy.values.get(key)!r} (expected {expected!r})"
                for key, expected in PASSWORD_POLICY.items()
                if policy.values.get(key) != expected
            ]
            yield Outcome(stack.name, policy.address, not wrong, "; ".join(wrong) or "as IAM-4 asks")
