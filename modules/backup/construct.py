"""AWS Backup of an environment: KMS vault (optionally locked), daily + weekly plan, tag selection.

DAT-5. Whatever carries the selection tag (default `backup=true`) is backed up; the service role
uses AWS's managed backup and restore policies.
"""

from __future__ import annotations

import json

from cdktf_cdktf_provider_aws.backup_plan import BackupPlan, BackupPlanRule, BackupPlanRuleLifecycle
from cdktf_cdktf_provider_aws.backup_selection import BackupSelection, BackupSelectionSelectionTag
from cdktf_cdktf_provider_aws.backup_vault import BackupVault
from cdktf_cdktf_provider_aws.backup_vault_lock_configuration import BackupVaultLockConfiguration
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment
from constructs import Construct

from modules.backup.config import BackupConfig, BackupRule
from modules.hardening.construct import ServiceKey, key_policy

MANAGED_POLICIES = {
    "backup": "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
    "restores": "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
}
START_WINDOW_MINUTES = 60
COMPLETION_WINDOW_MINUTES = 24 * 60

BACKUP_TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "backup.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
)


class Backup(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: BackupConfig,
        name_prefix: str,
        account_id: str,
        deletion_window_days: int,
    ) -> None:
        super().__init__(scope, construct_id)
        self.key = ServiceKey(
            self,
            "vault_key",
            alias=f"{name_prefix}-backup",
            description="AWS Backup vault of this environment (DAT-5)",
            policy=key_policy(account_id),
            deletion_window_days=deletion_window_days,
        )
        self.vault = BackupVault(self, "vault", name=name_prefix, kms_key_arn=self.key.arn)
        lock = config.vault_lock
        if lock is not None:
            BackupVaultLockConfiguration(
                self,
                "vault_lock",
                backup_vault_name=self.vault.name,
                min_retention_days=lock.min_retention_days,
                max_retention_days=lock.max_retention_days,
                # Only compliance mode takes a grace period; without one the lock is governance mode.
                changeable_for_days=lock.changeable_for_days if lock.mode == "compliance" else None,
            )
        self.plan = BackupPlan(
            self,
            "plan",
            name=name_prefix,
            rule=[self._rule("daily", config.daily), self._rule("weekly", config.weekly)],
        )
        self.role = IamRole(self, "role", name=f"{name_prefix}-backup", assume_role_policy=BACKUP_TRUST)
        for name, arn in MANAGED_POLICIES.items():
            IamRolePolicyAttachment(self, f"role_{name}", role=self.role.name, policy_arn=arn)
        self.selection = BackupSelection(
            self,
            "selection",
            name=f"{name_prefix}-tagged",
            plan_id=self.plan.id,
            iam_role_arn=self.role.arn,
            selection_tag=[
                BackupSelectionSelectionTag(
                    type="STRINGEQUALS", key=config.selection_tag_key, value=config.selection_tag_value
                )
            ],
        )

    def _rule(self, name: str, rule: BackupRule) -> BackupPlanRule:
        return BackupPlanRule(
            rule_name=name,
            target_vault_name=self.vault.name,
            schedule=rule.schedule,
            start_window=START_WINDOW_MINUTES,
            completion_window=COMPLETION_WINDOW_MINUTES,
            lifecycle=BackupPlanRuleLifecycle(delete_after=rule.retention_days),
        )
