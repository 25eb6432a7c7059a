"""A provider error that escapes to `terraform plan` is mapped back to the YAML key behind it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from modules.config import Estate
from modules.review.provenance import ConfigOrigin, config_origin, parse_error
from tests.support import load_variant


def log_group(value: int, name: str = "/acme-prod/vpc-flow-logs", stack: str = "prod") -> dict[str, Any]:
    return {
        "resource": {
            "aws_cloudwatch_log_group": {
                "network_flow_log_group_03070248": {
                    "//": {"metadata": {"path": f"{stack}/network/flow_log_group"}},
                    "kms_key_id": "${aws_kms_key.hardening_logs_key_023D1125.arn}",
                    "name": name,
                    "retention_in_days": value,
                }
            }
        }
    }


def plan_error(value: int, module: str = "") -> str:
    return (
        f"Error: expected retention_in_days to be one of [0 1 3 5 7 14 30 60 90 120 150 180 365 400 545 731 "
        f"1096 1827 2192 2557 2922 3288 3653], got {value}\n\n"
        f"  with {module}aws_cloudwatch_log_group.network_flow_log_group_03070248,\n"
        "  on cdk.tf.json line 412, in resource.aws_cloudwatch_log_group.network_flow_log_group_03070248:\n"
        f' 412:         "retention_in_days": {value},\n'
    )


@pytest.fixture
def estate(tmp_path: Path) -> Estate:
    """The sample; validation would refuse 548, so the values are put in after loading."""
    return load_variant(tmp_path / "environments", lambda files: None)


def replace_value(estate: Estate, source: str, loc: tuple[str, ...], value: Any) -> None:
    data = estate.sources[source].data
    for part in loc[:-1]:
        data = data[part]
    data[loc[-1]] = value


def test_parse_error_reads_address_attribute_and_value() -> None:
    refusal = parse_error(plan_error(548, "module.prod."))
    assert refusal.resource_type == "aws_cloudwatch_log_group"
    assert refusal.resource_name == "network_flow_log_group_03070248"
    assert refusal.modules == ("prod",)
    assert (refusal.attribute, refusal.value) == ("retention_in_days", 548)


def test_override_in_the_environment_file_is_found(estate: Estate) -> None:
    replace_value(estate, "prod", ("overrides", "log_retention_days"), 1800)
    origin = config_origin(plan_error(1800), log_group(1800), estate, stack="prod")
    line, column = estate.sources["prod"].position(("overrides", "log_retention_days"))
    assert origin == ConfigOrigin(estate.sources["prod"].name, line, column, "overrides.log_retention_days")
    assert str(origin).endswith(f"prod.yaml:{line}:{column} overrides.log_retention_days")


def test_organization_floor_is_found_from_a_batched_plan(estate: Estate) -> None:
    replace_value(estate, "organization", ("log_archive", "retention_days"), 548)
    origin = config_origin(plan_error(548, "module.dev."), log_group(548, stack="dev"), estate)
    assert origin is not None
    assert (Path(origin.file).name, origin.key) == ("organization.yaml", "log_archive.retention_days")


def test_a_prefixed_name_is_traced_to_the_config_text_it_contains(estate: Estate) -> None:
    error = (
        'Error: "name" isn\'t a valid log group name\n\n'
        "  with aws_cloudwatch_log_group.network_flow_log_group_03070248,\n"
        ' 9:         "name": "/acme-prod/vpc flow logs",\n'
    )
    origin = config_origin(error, log_group(365, name="/acme-prod/vpc flow logs"), estate, stack="prod")
    assert origin is not None
    assert (Path(origin.file).name, origin.key) == ("prod.yaml", "account.name")


def test_unknown_resource_falls_back_to_the_refused_value(estate: Estate) -> None:
    replace_value(estate, "organization", ("log_archive", "retention_days"), 548)
    origin = config_origin(plan_error(548), {"resource": {}}, estate, stack="dev")
    assert origin is not None and origin.key == "log_archive.retention_days"


def test_no_value_no_origin(estate: Estate) -> None:
    assert config_origin("Error: something else entirely", {"resource": {}}, estate) is None


def test_a_value_from_no_yaml_key_has_no_origin(estate: Estate) -> None:
    assert config_origin(plan_error(987654), log_group(987654), estate, stack="prod") is None


SNAPSHOTS = Path(__file__).resolve().parents[1] / "stacks" / "snapshots"


def _replace(
    stack_json: dict[str, Any], resource_type: str, name: str, after: dict[str, Any], paths: Any
) -> Any:
    from modules.review.provenance import replacement_origin

    raw = {
        "address": f"{resource_type}.{name}",
        "type": resource_type,
        "name": name,
        "change": {"actions": ["delete", "create"], "after": after, "replace_paths": paths},
    }
    return raw, replacement_origin


def test_a_replacement_names_the_yaml_key_whose_value_forces_it(sample_estate: Estate) -> None:
    import json

    prod = json.loads((SNAPSHOTS / "prod.json").read_text())
    (vpc,) = prod["resource"]["aws_vpc"]
    raw, replacement_origin = _replace(prod, "aws_vpc", vpc, {"cidr_block": "10.10.0.0/16"}, [["cidr_block"]])
    origin = replacement_origin(raw, prod, sample_estate, "prod")
    assert origin is not None
    assert origin.file.endswith("prod.yaml") and origin.key == "network.cidr" and origin.line == 24


def test_a_replacement_forced_by_a_value_only_aws_knows_has_no_yaml_key(sample_estate: Estate) -> None:
    import json

    prod = json.loads((SNAPSHOTS / "prod.json").read_text())
    (vpc,) = prod["resource"]["aws_vpc"]
    raw, replacement_origin = _replace(prod, "aws_vpc", vpc, {}, [["ipv6_ipam_pool_id"]])
    assert replacement_origin(raw, prod, sample_estate, "prod") is None


def test_a_removed_region_points_at_the_approved_regions(sample_estate: Estate) -> None:
    from modules.review.provenance import key_origin

    origin = key_origin(sample_estate, "organization", ("approved_regions",))
    assert origin is not None and str(origin).endswith("organization.yaml:5:19 approved_regions")
    assert key_origin(sample_estate, "nowhere", ("approved_regions",)) is None
