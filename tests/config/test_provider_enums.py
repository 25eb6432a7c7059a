"""The committed provider value lists are what provider 5.100.0 enforces, and the models use them."""

from __future__ import annotations

import typing

import pytest

from modules.core.provider_enums import DATA_FILE, accepted, provider_version
from modules.core.types import MIN_RETENTION_DAYS, retention_values
from modules.log_archive.config import LogArchiveConfig
from modules.network.config import NetworkConfig
from modules.patching.config import OperatingSystem
from modules.review.errors import ToolError
from modules.review.plugin_cache import PROVIDER_VERSION


def test_data_file_is_for_the_pinned_provider() -> None:
    assert provider_version() == PROVIDER_VERSION


def test_retention_days_are_the_provider_list_above_the_floor() -> None:
    days = accepted("aws_cloudwatch_log_group.retention_in_days")
    assert retention_values() == tuple(d for d in days if isinstance(d, int) and d >= MIN_RETENTION_DAYS)
    assert 548 not in retention_values() and 545 in retention_values()


def literal_values(annotation: object) -> set[object]:
    return set(typing.get_args(annotation))


def test_config_choices_are_values_the_provider_accepts() -> None:
    lock_mode = LogArchiveConfig.model_fields["object_lock_mode"].annotation
    interval = NetworkConfig.model_fields["flow_log_aggregation_seconds"].annotation
    assert literal_values(OperatingSystem) <= set(accepted("aws_ssm_patch_baseline.operating_system"))
    assert literal_values(lock_mode) <= set(accepted("aws_s3_bucket_object_lock_configuration.mode"))
    assert literal_values(interval) <= set(accepted("aws_flow_log.max_aggregation_interval"))


@pytest.mark.terraform
def test_committed_lists_match_the_provider() -> None:
    """Run the probe against the provider in the mirror: the data file must be what it says now."""
    from tests.config import provider_probe

    try:
        derived = provider_probe.render(provider_probe.derive())
    except ToolError as error:
        pytest.skip(str(error))
    assert DATA_FILE.read_text(encoding="utf-8") == derived, (
        "run: python -m tests.config.provider_probe --write"
    )
