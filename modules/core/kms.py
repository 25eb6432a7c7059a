"""KMS key-policy statements every customer-managed key of the estate shares. Pure data, no cdktf."""

from __future__ import annotations

from typing import Any

# What CloudWatch Logs needs to encrypt and read a log group with a customer-managed key.
LOGS_KEY_ACTIONS = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]


def deployment_role_administers(deployment_role_arn: str) -> dict[str, Any]:
    """Only the deployment role administers the key (nobody else gets kms:* on it)."""
    return {
        "Sid": "KeyAdministrationByDeploymentRole",
        "Effect": "Allow",
        "Principal": {"AWS": deployment_role_arn},
        "Action": "kms:*",
        "Resource": "*",
    }


def cloudwatch_logs_encrypts(*, region: str, account_id: str) -> dict[str, Any]:
    """CloudWatch Logs of this account and region may use the key, and no other log source."""
    return {
        "Sid": "CloudWatchLogsEncrypts",
        "Effect": "Allow",
        "Principal": {"Service": f"logs.{region}.amazonaws.com"},
        "Action": list(LOGS_KEY_ACTIONS),
        "Resource": "*",
        "Condition": {
            "ArnLike": {"kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:{region}:{account_id}:*"}
        },
    }
