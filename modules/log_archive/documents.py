"""Policy documents of the log archive, rendered from config in Python (no AWS lookups).

Pure data so tests can evaluate them with `modules.core.policy_eval` without the bindings.
Writers are scoped by `aws:SourceAccount` to the estate's accounts (the organization id is not in
config; the account list is, and it is the tighter of the two).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from modules.core.kms import cloudwatch_logs_encrypts, deployment_role_administers

Statement = dict[str, Any]

# Paths the services write to: CloudTrail, Config and flow logs all use AWSLogs/<account id>/...
SERVICE_PREFIX = "AWSLogs"
OBJECT_DELETES = ["s3:DeleteObject", "s3:DeleteObjectVersion", "s3:DeleteBucket"]


@dataclass(frozen=True)
class ArchiveContext:
    """What the documents need to know about the estate."""

    region: str
    log_archive_account: str
    management_account: str
    reader_accounts: tuple[str, ...]  # may decrypt through S3: log-archive and audit
    estate_accounts: tuple[str, ...]
    deployment_role_arn: str
    bucket: str
    access_log_bucket: str


def _policy(*statements: Statement) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def _service(name: str) -> dict[str, str]:
    return {"Service": name}


def _from_estate(ctx: ArchiveContext) -> dict[str, Any]:
    return {"StringEquals": {"aws:SourceAccount": list(ctx.estate_accounts)}}


def key_policy(ctx: ArchiveContext) -> dict[str, Any]:
    """Only the deployment role administers the key; services encrypt; estate readers decrypt via S3."""
    trail_arns = f"arn:aws:cloudtrail:*:{ctx.management_account}:trail/*"
    service_use = ["kms:GenerateDataKey*", "kms:Decrypt", "kms:DescribeKey"]
    account = ctx.log_archive_account
    return _policy(
        deployment_role_administers(ctx.deployment_role_arn),
        {
            "Sid": "CloudTrailEncryptsLogs",
            "Effect": "Allow",
            "Principal": _service("cloudtrail.amazonaws.com"),
            "Action": ["kms:GenerateDataKey*", "kms:DescribeKey"],
            "Resource": "*",
            "Condition": {
                "StringEquals": {"aws:SourceAccount": ctx.management_account},
                "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": trail_arns},
            },
        },
        {
            "Sid": "ConfigAndFlowLogsEncrypt",
            "Effect": "Allow",
            "Principal": {"Service": ["config.amazonaws.com", "delivery.logs.amazonaws.com"]},
            "Action": service_use,
            "Resource": "*",
            "Condition": _from_estate(ctx),
        },
        cloudwatch_logs_encrypts(region=ctx.region, account_id=account),
        {
            "Sid": "EstateWritersThroughS3",  # Config's service-linked roles write with bucket-default SSE
            "Effect": "Allow",
            "Principal": {"AWS": [f"arn:aws:iam::{account}:root" for account in ctx.estate_accounts]},
            "Action": ["kms:GenerateDataKey*", "kms:DescribeKey"],
            "Resource": "*",
            "Condition": {"StringEquals": {"kms:ViaService": f"s3.{ctx.region}.amazonaws.com"}},
        },
        {
            "Sid": "ReadersDecryptThroughS3",
            "Effect": "Allow",
            "Principal": {"AWS": [f"arn:aws:iam::{account}:root" for account in ctx.reader_accounts]},
            "Action": ["kms:Decrypt", "kms:DescribeKey"],
            "Resource": "*",
            "Condition": {"StringEquals": {"kms:ViaService": f"s3.{ctx.region}.amazonaws.com"}},
        },
    )


def _deny_insecure_transport(*bucket_arns: str) -> Statement:
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [arn for bucket in bucket_arns for arn in (bucket, f"{bucket}/*")],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def _deny_delete(bucket_arn: str) -> Statement:
    # Lifecycle expiry is S3 itself and is not subject to bucket policies.
    return {
        "Sid": "DenyLogDeletion",
        "Effect": "Deny",
        "Principal": "*",
        "Action": OBJECT_DELETES,
        "Resource": [bucket_arn, f"{bucket_arn}/*"],
    }


def log_bucket_policy(ctx: ArchiveContext) -> dict[str, Any]:
    """Service writes only (CloudTrail, Config, flow logs), TLS only, nobody deletes."""
    bucket = f"arn:aws:s3:::{ctx.bucket}"
    owner_full_control = {"s3:x-amz-acl": "bucket-owner-full-control"}
    trail_source = {"aws:SourceAccount": ctx.management_account}
    estate_source = {"aws:SourceAccount": list(ctx.estate_accounts)}
    writers = ["config.amazonaws.com", "delivery.logs.amazonaws.com"]
    return _policy(
        _deny_insecure_transport(bucket),
        _deny_delete(bucket),
        {
            "Sid": "CloudTrailAclCheck",
            "Effect": "Allow",
            "Principal": _service("cloudtrail.amazonaws.com"),
            "Action": "s3:GetBucketAcl",
            "Resource": bucket,
            "Condition": {"StringEquals": trail_source},
        },
        {
            "Sid": "CloudTrailWrite",
            "Effect": "Allow",
            "Principal": _service("cloudtrail.amazonaws.com"),
            "Action": "s3:PutObject",
            "Resource": f"{bucket}/{SERVICE_PREFIX}/*",
            "Condition": {"StringEquals": {**trail_source, **owner_full_control}},
        },
        {
            "Sid": "ConfigAndFlowLogsAclCheck",
            "Effect": "Allow",
            "Principal": {"Service": writers},
            "Action": ["s3:GetBucketAcl", "s3:ListBucket"],
            "Resource": bucket,
            "Condition": {"StringEquals": estate_source},
        },
        {
            "Sid": "ConfigAndFlowLogsWrite",
            "Effect": "Allow",
            "Principal": {"Service": writers},
            "Action": "s3:PutObject",
            "Resource": f"{bucket}/{SERVICE_PREFIX}/*",
            "Condition": {"StringEquals": {**estate_source, **owner_full_control}},
        },
    )


def access_log_bucket_policy(ctx: ArchiveContext) -> dict[str, Any]:
    """Only S3 server access logging of the log bucket writes here; TLS only; nobody deletes."""
    bucket = f"arn:aws:s3:::{ctx.access_log_bucket}"
    return _policy(
        _deny_insecure_transport(bucket),
        _deny_delete(bucket),
        {
            "Sid": "ServerAccessLogsWrite",
            "Effect": "Allow",
            "Principal": _service("logging.s3.amazonaws.com"),
            "Action": "s3:PutObject",
            "Resource": f"{bucket}/*",
            "Condition": {
                "ArnLike": {"aws:SourceArn": f"arn:aws:s3:::{ctx.bucket}"},
                "StringEquals": {"aws:SourceAccount": ctx.log_archive_account},
            },
        },
    )
