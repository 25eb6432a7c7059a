"""The central log archive in the log-archive account: KMS key, log bucket, access-log bucket.

LOG-1, LOG-3, LOG-4, LOG-5. Both buckets are `prevent_destroy`; the log bucket has Object Lock
(default retention from config) and SSE-KMS; the access-log bucket has no Object Lock and SSE-S3,
because S3 server access logging can deliver to neither a locked bucket nor an SSE-KMS one.
"""

from __future__ import annotations

import json

from cdktf import TerraformResourceLifecycle
from cdktf_cdktf_provider_aws.kms_alias import KmsAlias
from cdktf_cdktf_provider_aws.kms_key import KmsKey
from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket
from cdktf_cdktf_provider_aws.s3_bucket_lifecycle_configuration import (
    S3BucketLifecycleConfiguration,
    S3BucketLifecycleConfigurationRule,
    S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload,
    S3BucketLifecycleConfigurationRuleExpiration,
    S3BucketLifecycleConfigurationRuleFilter,
    S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration,
    S3BucketLifecycleConfigurationRuleNoncurrentVersionTransition,
    S3BucketLifecycleConfigurationRuleTransition,
)
from cdktf_cdktf_provider_aws.s3_bucket_logging import S3BucketLoggingA
from cdktf_cdktf_provider_aws.s3_bucket_object_lock_configuration import (
    S3BucketObjectLockConfigurationA,
    S3BucketObjectLockConfigurationRuleA,
    S3BucketObjectLockConfigurationRuleDefaultRetentionA,
)
from cdktf_cdktf_provider_aws.s3_bucket_ownership_controls import (
    S3BucketOwnershipControls,
    S3BucketOwnershipControlsRule,
)
from cdktf_cdktf_provider_aws.s3_bucket_policy import S3BucketPolicy
from cdktf_cdktf_provider_aws.s3_bucket_public_access_block import S3BucketPublicAccessBlock
from cdktf_cdktf_provider_aws.s3_bucket_server_side_encryption_configuration import (
    S3BucketServerSideEncryptionConfigurationA,
    S3BucketServerSideEncryptionConfigurationRuleA,
    S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA,
)
from cdktf_cdktf_provider_aws.s3_bucket_versioning import (
    S3BucketVersioningA,
    S3BucketVersioningVersioningConfiguration,
)
from constructs import Construct

from modules.log_archive import documents
from modules.log_archive.config import LogArchiveConfig

PROTECTED = TerraformResourceLifecycle(prevent_destroy=True)
ABORT_UPLOADS_AFTER_DAYS = 7


class LogArchive(Construct):
    """Key, log bucket and access-log bucket; attributes expose each resource."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        key_alias: str,
        config: LogArchiveConfig,
        retention_days: int,
        context: documents.ArchiveContext,
    ) -> None:
        super().__init__(scope, construct_id)
        self.versioning: dict[str, S3BucketVersioningA] = {}
        self.key = KmsKey(
            self,
            "key",
            description="Encrypts the central logs: CloudTrail, Config, flow logs (LOG-5)",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            policy=json.dumps(documents.key_policy(context)),
            lifecycle=PROTECTED,
        )
        self.key_alias = KmsAlias(self, "key-alias", name=key_alias, target_key_id=self.key.key_id)
        self.access_log_bucket = self._bucket(
            "access-log-bucket", context.access_log_bucket, object_lock=False
        )
        self._harden(self.access_log_bucket, "access-log-bucket", kms_key_arn=None)
        self._lifecycle(self.access_log_bucket, "access-log-bucket", config, retention_days)
        self.access_log_bucket_policy = S3BucketPolicy(
            self,
            "access-log-bucket-policy",
            bucket=self.access_log_bucket.id,
            policy=json.dumps(documents.access_log_bucket_policy(context)),
        )

        self.bucket = self._bucket("log-bucket", context.bucket, object_lock=True)
        self._harden(self.bucket, "log-bucket", kms_key_arn=self.key.arn)
        self.object_lock = S3BucketObjectLockConfigurationA(
            self,
            "log-bucket-object-lock",
            bucket=self.bucket.id,
            rule=S3BucketObjectLockConfigurationRuleA(
                default_retention=S3BucketObjectLockConfigurationRuleDefaultRetentionA(
                    mode=config.object_lock_mode, days=retention_days
                )
            ),
            depends_on=[self.versioning["log-bucket"]],
        )
        self._lifecycle(self.bucket, "log-bucket", config, retention_days)
        self.logging = S3BucketLoggingA(
            self,
            "log-bucket-access-logging",
            bucket=self.bucket.id,
            target_bucket=self.access_log_bucket.id,
            target_prefix=f"{context.bucket}/",
        )
        self.bucket_policy = S3BucketPolicy(
            self,
            "log-bucket-policy",
            bucket=self.bucket.id,
            policy=json.dumps(documents.log_bucket_policy(context)),
        )

    def _bucket(self, construct_id: str, name: str, *, object_lock: bool) -> S3Bucket:
        return S3Bucket(self, construct_id, bucket=name, object_lock_enabled=object_lock, lifecycle=PROTECTED)

    def _harden(self, bucket: S3Bucket, construct_id: str, *, kms_key_arn: str | None) -> None:
        """Versioning, default encryption, no ACLs, no public access."""
        self.versioning[construct_id] = S3BucketVersioningA(
            self,
            f"{construct_id}-versioning",
            bucket=bucket.id,
            versioning_configuration=S3BucketVersioningVersioningConfiguration(status="Enabled"),
        )
        default = S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA(
            sse_algorithm="aws:kms" if kms_key_arn else "AES256", kms_master_key_id=kms_key_arn
        )
        S3BucketServerSideEncryptionConfigurationA(
            self,
            f"{construct_id}-encryption",
            bucket=bucket.id,
            rule=[
                S3BucketServerSideEncryptionConfigurationRuleA(
                    apply_server_side_encryption_by_default=default, bucket_key_enabled=bool(kms_key_arn)
                )
            ],
        )
        S3BucketOwnershipControls(
            self,
            f"{construct_id}-ownership",
            bucket=bucket.id,
            rule=S3BucketOwnershipControlsRule(object_ownership="BucketOwnerEnforced"),
        )
        S3BucketPublicAccessBlock(
            self,
            f"{construct_id}-public-access-block",
            bucket=bucket.id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
        )

    def _lifecycle(
        self, bucket: S3Bucket, construct_id: str, config: LogArchiveConfig, retention_days: int
    ) -> None:
        """Archive after `transition_to_archive_days`; expire current and old versions after retention."""
        transition_days = config.transition_to_archive_days
        S3BucketLifecycleConfiguration(
            self,
            f"{construct_id}-lifecycle",
            bucket=bucket.id,
            rule=[
                S3BucketLifecycleConfigurationRule(
                    id="archive-then-expire",
                    status="Enabled",
                    filter=[S3BucketLifecycleConfigurationRuleFilter(prefix="")],
                    transition=[
                        S3BucketLifecycleConfigurationRuleTransition(
                            days=transition_days, storage_class="GLACIER_IR"
                        )
                    ],
                    expiration=[S3BucketLifecycleConfigurationRuleExpiration(days=retention_days)],
                    noncurrent_version_transition=[
                        S3BucketLifecycleConfigurationRuleNoncurrentVersionTransition(
                            noncurrent_days=transition_days, storage_class="GLACIER_IR"
                        )
                    ],
                    noncurrent_version_expiration=[
                        S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration(
                            noncurrent_days=retention_days
                        )
                    ],
                    abort_incomplete_multipart_upload=[
                        S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload(
                            days_after_initiation=ABORT_UPLOADS_AFTER_DAYS
                        )
                    ],
                )
            ],
            depends_on=[self.versioning[construct_id]],
        )
