"""SSM Patch Manager of an environment: a baseline and patch group per OS, one weekly window (OPS-2).

The window day and the approval delay are shifted by the environment's offset, so production
installs what staging installed `offset_days` earlier. Instances opt in with the `Patch Group`
tag; OS auto-updates stay off in the images (see README), Patch Manager is the only channel.
"""

from __future__ import annotations

from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from cdktf_cdktf_provider_aws.ssm_association import SsmAssociation, SsmAssociationTargets
from cdktf_cdktf_provider_aws.ssm_default_patch_baseline import SsmDefaultPatchBaseline
from cdktf_cdktf_provider_aws.ssm_maintenance_window import SsmMaintenanceWindow
from cdktf_cdktf_provider_aws.ssm_maintenance_window_target import (
    SsmMaintenanceWindowTarget,
    SsmMaintenanceWindowTargetTargets,
)
from cdktf_cdktf_provider_aws.ssm_maintenance_window_task import (
    SsmMaintenanceWindowTask,
    SsmMaintenanceWindowTaskTargets,
    SsmMaintenanceWindowTaskTaskInvocationParameters,
    SsmMaintenanceWindowTaskTaskInvocationParametersRunCommandParameters,
    SsmMaintenanceWindowTaskTaskInvocationParametersRunCommandParametersCloudwatchConfig,
    SsmMaintenanceWindowTaskTaskInvocationParametersRunCommandParametersParameter,
)
from cdktf_cdktf_provider_aws.ssm_patch_baseline import (
    SsmPatchBaseline,
    SsmPatchBaselineApprovalRule,
    SsmPatchBaselineApprovalRulePatchFilter,
)
from cdktf_cdktf_provider_aws.ssm_patch_group import SsmPatchGroup
from constructs import Construct

from modules.hardening.construct import ServiceKey
from modules.patching.config import PatchingConfig

PATCH_GROUP_TAG = "Patch Group"
RUN_PATCH_BASELINE = "AWS-RunPatchBaseline"

# What each baseline approves: security and critical fixes (Windows has its own vocabulary).
PATCH_FILTERS: dict[str, dict[str, list[str]]] = {
    "AMAZON_LINUX_2023": {"CLASSIFICATION": ["Security", "Bugfix"], "SEVERITY": ["Critical", "Important"]},
    "AMAZON_LINUX_2": {"CLASSIFICATION": ["Security", "Bugfix"], "SEVERITY": ["Critical", "Important"]},
    "REDHAT_ENTERPRISE_LINUX": {
        "CLASSIFICATION": ["Security", "Bugfix"],
        "SEVERITY": ["Critical", "Important"],
    },
    "WINDOWS": {
        "CLASSIFICATION": ["CriticalUpdates", "SecurityUpdates"],
        "MSRC_SEVERITY": ["Critical", "Important"],
    },
}


def patch_group_name(env_name: str, operating_system: str) -> str:
    return f"{env_name}-{operating_system.lower().replace('_', '-')}"


class Patching(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: PatchingConfig,
        env_name: str,
        stage: str,
        name_prefix: str,
        logs_key: ServiceKey,
        retention_days: int,
    ) -> None:
        super().__init__(scope, construct_id)
        self.baselines: dict[str, SsmPatchBaseline] = {}
        for operating_system in config.operating_systems:
            self._baseline(config, env_name, stage, name_prefix, operating_system)
        groups = [patch_group_name(env_name, os) for os in config.operating_systems]
        self.log_group = CloudwatchLogGroup(
            self,
            "log_group",
            name=f"/{name_prefix}/patching",
            retention_in_days=retention_days,
            kms_key_id=logs_key.arn,
        )
        self.window = SsmMaintenanceWindow(
            self,
            "window",
            name=f"{name_prefix}-patching",
            description=f"Weekly patching of {env_name} (offset {config.effective_offset(stage)} days)",
            schedule=config.schedule(stage),
            schedule_timezone=config.timezone,
            duration=config.duration_hours,
            cutoff=config.cutoff_hours,
            allow_unassociated_targets=False,
        )
        target = SsmMaintenanceWindowTarget(
            self,
            "window_target",
            window_id=self.window.id,
            name="patch-groups",
            resource_type="INSTANCE",
            targets=[SsmMaintenanceWindowTargetTargets(key=f"tag:{PATCH_GROUP_TAG}", values=groups)],
        )
        self.install = SsmMaintenanceWindowTask(
            self,
            "install",
            window_id=self.window.id,
            name="install-patches",
            task_type="RUN_COMMAND",
            task_arn=RUN_PATCH_BASELINE,
            priority=1,
            max_concurrency="25%",
            max_errors="10%",
            targets=[SsmMaintenanceWindowTaskTargets(key="WindowTargetIds", values=[target.id])],
            task_invocation_parameters=SsmMaintenanceWindowTaskTaskInvocationParameters(
                run_command_parameters=SsmMaintenanceWindowTaskTaskInvocationParametersRunCommandParameters(
                    parameter=[
                        SsmMaintenanceWindowTaskTaskInvocationParametersRunCommandParametersParameter(
                            name="Operation", values=["Install"]
                        ),
                        SsmMaintenanceWindowTaskTaskInvocationParametersRunCommandParametersParameter(
                            name="RebootOption", values=["RebootIfNeeded"]
                        ),
                    ],
                    cloudwatch_config=SsmMaintenanceWindowTaskTaskInvocationParametersRunCommandParametersCloudwatchConfig(
                        cloudwatch_log_group_name=self.log_group.name, cloudwatch_output_enabled=True
                    ),
                )
            ),
        )
        # A daily scan keeps patch compliance current between windows (no installs, no reboots).
        self.scan = SsmAssociation(
            self,
            "scan",
            name=RUN_PATCH_BASELINE,
            association_name=f"{name_prefix}-patch-scan",
            schedule_expression="rate(1 day)",
            parameters={"Operation": "Scan"},
            targets=[SsmAssociationTargets(key=f"tag:{PATCH_GROUP_TAG}", values=groups)],
        )

    def _baseline(
        self, config: PatchingConfig, env_name: str, stage: str, name_prefix: str, operating_system: str
    ) -> None:
        slug = operating_system.lower()
        baseline = SsmPatchBaseline(
            self,
            f"{slug}_baseline",
            name=f"{name_prefix}-{slug.replace('_', '-')}",
            description=f"{operating_system} patches for {env_name}",
            operating_system=operating_system,
            approval_rule=[
                SsmPatchBaselineApprovalRule(
                    approve_after_days=config.approval_delay(stage),
                    compliance_level="CRITICAL",
                    patch_filter=[
                        SsmPatchBaselineApprovalRulePatchFilter(key=key, values=values)
                        for key, values in PATCH_FILTERS[operating_system].items()
                    ],
                )
            ],
        )
        self.baselines[operating_system] = baseline
        SsmPatchGroup(
            self,
            f"{slug}_patch_group",
            baseline_id=baseline.id,
            patch_group=patch_group_name(env_name, operating_system),
        )
        SsmDefaultPatchBaseline(
            self, f"{slug}_default_baseline", baseline_id=baseline.id, operating_system=operating_system
        )
