"""Session Manager preferences: the account's `SSM-SessionManagerRunShell` document (NET-6).

Sessions are logged to an encrypted CloudWatch log group and encrypted end to end with a key of
their own; idle and maximum durations come from config. No bastion, no inbound 22.
"""

from __future__ import annotations

import json

from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from cdktf_cdktf_provider_aws.ssm_document import SsmDocument
from constructs import Construct

from modules.hardening.construct import ServiceKey, key_policy
from modules.session_manager.config import SessionManagerConfig

# The name Session Manager reads its account preferences from; the console creates it on first use.
PREFERENCES_DOCUMENT = "SSM-SessionManagerRunShell"


def preferences(config: SessionManagerConfig, log_group_name: str, session_key_arn: str) -> str:
    return json.dumps(
        {
            "schemaVersion": "1.0",
            "description": "Session Manager preferences (landing zone)",
            "sessionType": "Standard_Stream",
            "inputs": {
                "s3BucketName": "",
                "s3KeyPrefix": "",
                "s3EncryptionEnabled": True,
                "cloudWatchLogGroupName": log_group_name,
                "cloudWatchEncryptionEnabled": True,
                "cloudWatchStreamingEnabled": True,
                "kmsKeyId": session_key_arn,
                "runAsEnabled": False,
                "runAsDefaultUser": "",
                "idleSessionTimeout": str(config.idle_timeout_minutes),
                "maxSessionDuration": str(config.max_session_minutes),
                "shellProfile": {"windows": "", "linux": ""},
            },
        }
    )


class SessionManager(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: SessionManagerConfig,
        name_prefix: str,
        account_id: str,
        logs_key: ServiceKey,
        retention_days: int,
        deletion_window_days: int,
    ) -> None:
        super().__init__(scope, construct_id)
        self.session_key = ServiceKey(
            self,
            "session_key",
            alias=f"{name_prefix}-sessions",
            description="Session Manager session data (clients and instance roles need kms:Decrypt)",
            policy=key_policy(account_id),
            deletion_window_days=deletion_window_days,
        )
        self.log_group = CloudwatchLogGroup(
            self,
            "log_group",
            name=f"/{name_prefix}/session-manager",
            retention_in_days=retention_days,
            kms_key_id=logs_key.arn,
        )
        self.preferences = SsmDocument(
            self,
            "preferences",
            name=PREFERENCES_DOCUMENT,
            document_type="Session",
            document_format="JSON",
            content=preferences(config, f"/{name_prefix}/session-manager", self.session_key.arn),
        )
