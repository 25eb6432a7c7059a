"""Account hardening of an environment account: KMS keys, EBS/IMDS defaults per region, S3 BPA.

DAT-1 (EBS encryption by default with our key, keys rotate), DAT-3 (account Block Public Access),
DAT-4 (a key for Secrets Manager and Parameter Store). EBS encryption and IMDS defaults are
regional settings, so they are applied in every approved region; the rest lives in the home region.
"""

from __future__ import annotations

import json
from typing import Any

from cdktf_cdktf_provider_aws.ebs_default_kms_key import EbsDefaultKmsKey
from cdktf_cdktf_provider_aws.ebs_encryption_by_default import EbsEncryptionByDefault
from cdktf_cdktf_provider_aws.ec2_instance_metadata_defaults import Ec2InstanceMetadataDefaults
from cdktf_cdktf_provider_aws.kms_alias import KmsAlias
from cdktf_cdktf_provider_aws.kms_key import KmsKey
from cdktf_cdktf_provider_aws.provider import AwsProvider
from cdktf_cdktf_provider_aws.s3_account_public_access_block import S3AccountPublicAccessBlock
from constructs import Construct

from modules.hardening.config import HardeningConfig

Statement = dict[str, Any]


def key_policy(account_id: str, *statements: Statement) -> str:
    """The account administers the key through IAM; services get only what `statements` grant."""
    account_admin: Statement = {
        "Sid": "AccountAdministersThroughIam",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
        "Action": "kms:*",
        "Resource": "*",
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [account_admin, *statements]})


def logs_statement(account_id: str, region: str) -> Statement:
    """CloudWatch Logs may use the key for log groups of this account and region only."""
    return {
        "Sid": "CloudWatchLogsEncryptsLogGroups",
        "Effect": "Allow",
        "Principal": {"Service": f"logs.{region}.amazonaws.com"},
        "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        "Resource": "*",
        "Condition": {
            "ArnLike": {
                "kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:{region}:{account_id}:log-group:*"
            }
        },
    }


class ServiceKey(Construct):
    """A customer-managed, rotating KMS key with an alias."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        alias: str,
        description: str,
        policy: str,
        deletion_window_days: int,
        provider: AwsProvider | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.key = KmsKey(
            self,
            "key",
            description=description,
            enable_key_rotation=True,
            deletion_window_in_days=deletion_window_days,
            policy=policy,
            provider=provider,
        )
        self.alias = KmsAlias(
            self, "alias", name=f"alias/{alias}", target_key_id=self.key.key_id, provider=provider
        )

    @property
    def arn(self) -> str:
        return self.key.arn


class AccountHardening(Construct):
    """Keys for logs and secrets (home region), EBS/IMDS defaults in every region, S3 BPA."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: HardeningConfig,
        name_prefix: str,
        account_id: str,
        home_region: str,
        regional_providers: dict[str, AwsProvider],
    ) -> None:
        super().__init__(scope, construct_id)
        window = config.kms_deletion_window_days
        self.logs_key = ServiceKey(
            self,
            "logs_key",
            alias=f"{name_prefix}-logs",
            description="CloudWatch Logs of this environment (flow logs, sessions, patching)",
            policy=key_policy(account_id, logs_statement(account_id, home_region)),
            deletion_window_days=window,
        )
        self.secrets_key = ServiceKey(
            self,
            "secrets_key",
            alias=f"{name_prefix}-secrets",
            description="Application secrets in Secrets Manager and SecureString parameters (DAT-4)",
            policy=key_policy(account_id),
            deletion_window_days=window,
        )
        self.s3_public_access_block = S3AccountPublicAccessBlock(
            self,
            "s3_public_access_block",
            account_id=account_id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
        )
        self.ebs_keys: dict[str, ServiceKey] = {}
        for region, provider in regional_providers.items():
            self._regional_defaults(config, name_prefix, account_id, region, provider)

    def _regional_defaults(
        self, config: HardeningConfig, name_prefix: str, account_id: str, region: str, provider: AwsProvider
    ) -> None:
        key = ServiceKey(
            self,
            f"ebs_key_{region}",
            alias=f"{name_prefix}-ebs",
            description=f"Default EBS encryption key in {region} (DAT-1)",
            policy=key_policy(account_id),
            deletion_window_days=config.kms_deletion_window_days,
            provider=provider,
        )
        self.ebs_keys[region] = key
        EbsEncryptionByDefault(self, f"ebs_encryption_{region}", enabled=True, provider=provider)
        EbsDefaultKmsKey(self, f"ebs_default_key_{region}", key_arn=key.arn, provider=provider)
        Ec2InstanceMetadataDefaults(
            self,
            f"imds_defaults_{region}",
            http_tokens="required",
            http_put_response_hop_limit=config.imds_hop_limit,
            http_endpoint="enabled",
            instance_metadata_tags="disabled",
            provider=provider,
        )
