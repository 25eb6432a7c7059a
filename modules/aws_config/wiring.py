"""AWS Config of each account, from the estate (CFG-1..3)."""

from __future__ import annotations

from typing import Literal

from constructs import Construct

from modules.aws_config.construct import ConfigAggregator, ConfigRecorder
from modules.aws_config.managed_rules import managed_rules
from modules.config.models import Estate
from modules.deployment.construct import RegionalProviders


def recorder(
    scope: Construct,
    *,
    estate: Estate,
    providers: RegionalProviders,
    role: str,
    frequency: Literal["continuous", "daily"] = "continuous",
) -> ConfigRecorder:
    """Recorder, delivery and managed rules in every approved region. Control Tower records in the
    accounts it enrolls (every one but the management account): there the rules use its recorder."""
    enrolled_by_control_tower = estate.control_tower_mode and role != "management"
    return ConfigRecorder(
        scope,
        "config",
        providers=providers,
        recording_frequency=frequency,
        bucket_name=estate.log_bucket,
        retention_days=estate.organization.log_archive.retention_days,
        rules=managed_rules(),
        create_recorder=not enrolled_by_control_tower,
    )


def audit_aggregator(
    scope: Construct, *, estate: Estate, providers: RegionalProviders
) -> ConfigAggregator | None:
    """The organization-wide aggregator in the audit account; Control Tower runs its own there."""
    if estate.control_tower_mode:
        return None
    return ConfigAggregator(
        scope, "config-aggregator", name=estate.organization.name, regions=providers.regions
    )
