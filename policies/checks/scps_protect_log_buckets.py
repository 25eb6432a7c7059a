"""The planned SCPs deny deleting or overwriting objects of every real log bucket (names
from the log-archive config, Control Tower's too in that mode), and deny weakening the buckets to
everyone but the deployment role, which must still be able to configure them."""

import json
from collections.abc import Iterator
from typing import Any

from modules.core.policy_eval import FULL_AWS_ACCESS, Decision, Request, evaluate
from modules.review.checks import CheckContext, Outcome, check

ANY_ROLE = "arn:aws:iam::444455556666:role/AnyAdministrator"  # nothing exempts it
OBJECT_ACTIONS = ("s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutObject")
BUCKET_ACTIONS = (
    "s3:PutBucketPolicy",
    "s3:DeleteBucketPolicy",
    "s3:PutLifecycleConfiguration",
    "s3:PutBucketObjectLockConfiguration",
    "s3:PutBucketVersioning",
    "s3:PutBucketPublicAccessBlock",
    "s3:PutEncryptionConfiguration",
    "s3:DeleteBucket",
)


def _problems(documents: list[dict[str, Any]], bucket: str, deployer: str, region: str) -> list[str]:
    def denied(action: str, resource: str, principal: str) -> bool:
        request = Request(action, resource, principal, region)  # the bucket's region: approved
        return evaluate([FULL_AWS_ACCESS, *documents], request) == Decision.DENY

    arn = f"arn:aws:s3:::{bucket}"
    open_ = [a for a in OBJECT_ACTIONS if not denied(a, f"{arn}/AWSLogs/x", ANY_ROLE)]
    open_ += [a for a in BUCKET_ACTIONS if not denied(a, arn, ANY_ROLE)]
    blocked = [a for a in BUCKET_ACTIONS if denied(a, arn, deployer)]
    return ([f"not denied: {', '.join(open_)}"] if open_ else []) + (
        [f"denied to the deployment role: {', '.join(blocked)}"] if blocked else []
    )


@check(
    "LZ_SCP_001",
    "SCPs protect every log bucket from deletion, overwrite and weakening",
    scope="roles",
)
def scps_protect_log_buckets(ctx: CheckContext) -> Iterator[Outcome]:
    deployer = f"arn:aws:iam::444455556666:role/{ctx.estate.organization.deployment.role_name}"
    stack = ctx.stacks.get("organization")
    policies = stack.planned("aws_organizations_policy") if stack else []
    documents = [
        json.loads(p.values["content"])
        for p in policies
        if p.values.get("content")
        and p.values.get("type", "SERVICE_CONTROL_POLICY") == "SERVICE_CONTROL_POLICY"
    ]
    for bucket in ctx.estate.log_buckets:
        home = ctx.estate.organization.home_region
        problems = _problems(documents, bucket, deployer, home) if documents else ["no SCP is planned"]
        yield Outcome(
            "organization", f"log-bucket/{bucket}", not problems, "; ".join(problems) or "protected"
        )
