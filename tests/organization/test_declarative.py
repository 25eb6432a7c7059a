"""The declarative EC2 policy (ORG-7): what each account ends up with, as must-block / must-allow tables."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from modules.config import Estate
from modules.organization import declarative as d
from modules.organization.guardrails import account_ou
from tests.support import load_variant

BLOCK, ALLOW = True, False


def prod_opens_vpc_bpa_dev_relaxes_imds(files: dict[str, Any]) -> None:
    files["organization"]["declarative_policies"] = {
        "root": {"vpc_block_public_access": "off"},
        "ous": {
            "Workloads/Prod": {"vpc_block_public_access": "block_ingress"},
            "Workloads/NonProd": {"imdsv2_required": False, "serial_console_disabled": False},
        },
    }


@pytest.fixture(scope="module")
def per_ou(tmp_path_factory: pytest.TempPathFactory) -> Estate:
    return load_variant(tmp_path_factory.mktemp("per-ou") / "env", prod_opens_vpc_bpa_dev_relaxes_imds)


SAMPLE_TABLE: list[tuple[d.Operation, bool]] = [
    ("launch_with_imdsv1", BLOCK),
    ("make_ami_public", BLOCK),
    ("make_snapshot_public", BLOCK),
    ("serial_console_connect", BLOCK),
    ("internet_ingress_to_vpc", ALLOW),  # VPC Block Public Access only where config asks
    ("internet_egress_from_vpc", ALLOW),
]


@pytest.mark.parametrize(("operation", "blocked"), SAMPLE_TABLE)
def test_every_account_of_the_sample(sample_estate: Estate, operation: d.Operation, blocked: bool) -> None:
    for account in account_ou(sample_estate):
        assert d.blocks(d.effective_attributes(sample_estate, account), operation) is blocked, account


PER_OU_TABLE: list[tuple[str, d.Operation, bool]] = [
    ("prod", "internet_ingress_to_vpc", BLOCK),
    ("prod", "internet_egress_from_vpc", ALLOW),  # block_ingress keeps NAT egress
    ("prod", "launch_with_imdsv1", BLOCK),
    ("dev", "launch_with_imdsv1", ALLOW),  # the NonProd override relaxes the root explicitly
    ("dev", "serial_console_connect", ALLOW),
    ("dev", "make_ami_public", BLOCK),  # ... and keeps what it does not switch off
    ("dev", "internet_ingress_to_vpc", ALLOW),
    ("log_archive", "launch_with_imdsv1", BLOCK),
    ("log_archive", "internet_ingress_to_vpc", ALLOW),
]


@pytest.mark.parametrize(("account", "operation", "blocked"), PER_OU_TABLE)
def test_ou_overrides(per_ou: Estate, account: str, operation: d.Operation, blocked: bool) -> None:
    assert d.blocks(d.effective_attributes(per_ou, account), operation) is blocked


def test_table_covers_every_operation() -> None:
    assert sorted(op for op, _ in SAMPLE_TABLE) == sorted(d.OPERATIONS)


def test_ou_policies_write_relaxed_values_out(per_ou: Estate) -> None:
    policies = {p.name: p for p in d.declarative_policies(per_ou)}
    assert sorted(policies) == ["ec2-baseline", "ec2-ou-workloads-nonprod", "ec2-ou-workloads-prod"]
    nonprod = policies["ec2-ou-workloads-nonprod"].document["ec2_attributes"]
    assert nonprod["instance_metadata_defaults"]["http_tokens"] == {"@@assign": "no_preference"}
    assert nonprod["vpc_block_public_access"]["internet_gateway_block"]["mode"] == {"@@assign": "off"}
    root = policies["ec2-baseline"].document["ec2_attributes"]
    assert "vpc_block_public_access" not in root  # off at the root: the account's own setting stays
    for policy in policies.values():
        assert policy.size <= d.MAX_DECLARATIVE_CHARS


def test_allowed_image_providers(tmp_path: Path) -> None:
    def edit(files: dict[str, Any]) -> None:
        files["organization"]["declarative_policies"] = {"root": {"allowed_image_providers": ["amazon"]}}

    estate = load_variant(tmp_path / "env", edit)
    root = d.declarative_policies(estate)[0].document["ec2_attributes"]
    criteria = root["allowed_images_settings"]["image_criteria"]["criteria_1"]
    assert criteria["allowed_image_providers"] == {"@@assign": ["amazon"]}


def test_switched_off(tmp_path: Path) -> None:
    estate = load_variant(
        tmp_path / "env", lambda f: f["organization"].update(declarative_policies={"enabled": False})
    )
    assert d.declarative_policies(estate) == []
