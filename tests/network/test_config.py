"""The network plan in pure Python: subnets, zones, endpoint names and the NACL tier table."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from modules.config import Estate
from modules.config.semantics import semantic_findings
from modules.core.errors import ConfigError
from modules.network.config import NetworkConfig
from modules.network.nacl import ANYWHERE, nacl_rules, opens_port_to_world
from tests.support import Edit, load_variant


def test_tiers_are_disjoint_and_inside_the_vpc(sample_estate: Estate) -> None:
    for env in sample_estate.environments.values():
        vpc = ipaddress.IPv4Network(env.network.cidr)
        subnets = [ipaddress.IPv4Network(c) for cidrs in env.network.subnets().values() for c in cidrs]
        assert len(subnets) == 3 * env.network.az_count
        assert all(subnet.subnet_of(vpc) for subnet in subnets)
        assert not any(a.overlaps(b) for i, a in enumerate(subnets) for b in subnets[i + 1 :])


def test_default_zones_skip_the_closed_tokyo_zone() -> None:
    network = NetworkConfig(cidr="10.0.0.0/16", az_count=3)
    assert network.zones("ap-northeast-1") == ["ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"]
    assert network.zones("eu-west-1") == ["eu-west-1a", "eu-west-1b", "eu-west-1c"]


@pytest.mark.parametrize(
    ("endpoints", "fragment"),
    [
        (["ssm", "ssmmessages", "ec2messages", "com.amazonaws.ap-northeast-1.logs"], "short name"),
        (["ssm", "ssmmessages", "ec2messages", "SSM"], "short name"),
        (["ssm", "ssmmessages", "ec2messages", "s3"], "gateway endpoint"),
        (["ssm", "ssmmessages", "ec2messages", "ssm"], "listed twice"),
        (["ssm", "logs"], "ssmmessages, ec2messages missing"),
    ],
)
def test_bad_interface_endpoints_are_rejected(endpoints: list[str], fragment: str) -> None:
    with pytest.raises(ValidationError, match=fragment):
        NetworkConfig(cidr="10.0.0.0/16", interface_endpoints=endpoints)


def test_no_tier_opens_ssh_or_rdp_to_the_world(sample_estate: Estate) -> None:
    for env in sample_estate.environments.values():
        for tier, rules in nacl_rules(env.network).items():
            for port in (22, 3389):
                assert not [r for r in rules if opens_port_to_world(r, port)], (env.name, tier, port)


def test_isolated_tier_never_talks_to_the_world(sample_estate: Estate) -> None:
    for env in sample_estate.environments.values():
        rules = nacl_rules(env.network)["isolated"]
        assert rules and all(rule.cidr != ANYWHERE for rule in rules)
        private = set(env.network.subnets()["private"])
        assert {r.cidr for r in rules if not r.egress and r.source == "private"} == private


def test_rule_numbers_are_unique_per_direction(sample_estate: Estate) -> None:
    for env in sample_estate.environments.values():
        for tier, rules in nacl_rules(env.network).items():
            for egress in (False, True):
                numbers = [r.number for r in rules if r.egress is egress]
                assert len(numbers) == len(set(numbers)), (env.name, tier, egress)


def config_issues(target: Path, edit: Edit) -> list[tuple[str, str, str]]:
    """(file, field, message) of every issue `lz validate` would report for the edited sample."""
    try:
        load_variant(target, edit)
    except ConfigError as error:
        return [(Path(issue.file).name, issue.field, issue.message) for issue in error.issues]
    return []


def _set(path: tuple[str, ...], value: Any) -> Edit:
    def edit(files: dict[str, dict[str, Any]]) -> None:
        node = files
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node[path[-1]] = value

    return edit


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (("dev", "network", "az_count"), 4, ("dev.yaml", "network.az_count", "ap-northeast-1 has 3 zones")),
        (
            ("dev", "network", "cidr"),
            "10.10.128.0/17",
            ("prod.yaml", "network.cidr", "overlaps 10.10.128.0/17"),
        ),
        (
            ("dev", "network", "availability_zones"),
            ["ap-northeast-1a", "ap-northeast-3a"],
            ("dev.yaml", "network.availability_zones[1]", "'ap-northeast-3a' is not a zone of"),
        ),
        (
            ("dev", "network", "availability_zones"),
            ["ap-northeast-1a"],
            ("dev.yaml", "network.availability_zones", "1 zones"),
        ),
    ],
)
def test_network_findings(
    tmp_path: Path, path: tuple[str, ...], value: Any, expected: tuple[str, str, str]
) -> None:
    issues = config_issues(tmp_path / "env", _set(path, value))
    assert [(file, field) for file, field, _ in issues] == [expected[:2]], issues
    assert expected[2] in issues[0][2]


def test_the_sample_has_no_findings(sample_estate: Estate) -> None:
    assert list(semantic_findings(sample_estate)) == []
