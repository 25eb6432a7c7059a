"""The synthesized and planned network of every environment (NET-1..6)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from modules.config import Estate
from modules.network.config import DEFAULT_INTERFACE_ENDPOINTS, GATEWAY_ENDPOINTS
from modules.network.nacl import nacl_rules
from tests.support import planned_resources, resources

pytestmark = pytest.mark.synth
ENVIRONMENTS = ["prod", "stg", "dev"]
REFERENCE = re.compile(r"^\$\{([a-z0-9_]+\.[A-Za-z0-9_-]+)\.[a-z_]+\}$")


def ref(value: str) -> str:
    """`${aws_vpc.network_vpc_X.id}` -> `aws_vpc.network_vpc_X`."""
    match = REFERENCE.match(value)
    assert match, value
    return match.group(1)


def by_tier(stack: dict[str, Any], resource_type: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, body in resources(stack, resource_type).items():
        found.setdefault(body["tags"]["lz:tier"], []).append(f"{resource_type}.{name}")
    return found


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_no_subnet_maps_public_ips(env: str, sample_stacks: dict[str, Any]) -> None:
    subnets = resources(sample_stacks[env], "aws_subnet")
    assert subnets
    assert all(body["map_public_ip_on_launch"] is False for body in subnets.values())


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_subnets_follow_the_plan(env: str, sample_stacks: dict[str, Any], sample_estate: Estate) -> None:
    config = sample_estate.environments[env]
    subnets = resources(sample_stacks[env], "aws_subnet").values()
    expected = {(tier, cidr) for tier, cidrs in config.network.subnets().items() for cidr in cidrs}
    assert {(s["tags"]["lz:tier"], s["cidr_block"]) for s in subnets} == expected
    assert {s["availability_zone"] for s in subnets} == set(config.network.zones(config.region))


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_isolated_subnets_have_no_route_to_an_igw_or_nat(env: str, sample_stacks: dict[str, Any]) -> None:
    stack = sample_stacks[env]
    isolated = set(by_tier(stack, "aws_subnet")["isolated"])
    tables = {
        ref(body["route_table_id"])
        for body in resources(stack, "aws_route_table_association").values()
        if ref(body["subnet_id"]) in isolated
    }
    assert tables == set(by_tier(stack, "aws_route_table")["isolated"])
    routes = [
        body for body in resources(stack, "aws_route").values() if ref(body["route_table_id"]) in tables
    ]
    assert routes == []
    assert all("route" not in resources(stack, "aws_route_table")[t.split(".")[1]] for t in tables)


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_private_tables_route_to_a_nat_and_public_to_the_igw(env: str, sample_stacks: dict[str, Any]) -> None:
    stack = sample_stacks[env]
    targets = {ref(body["route_table_id"]): body for body in resources(stack, "aws_route").values()}
    tiers = by_tier(stack, "aws_route_table")
    assert all(
        targets[table]["nat_gateway_id"].startswith("${aws_nat_gateway.") for table in tiers["private"]
    )
    (public,) = tiers["public"]
    assert targets[public]["gateway_id"].startswith("${aws_internet_gateway.")


@pytest.mark.parametrize(("env", "nat_count"), [("prod", 3), ("stg", 1), ("dev", 1)])
def test_nat_gateways_per_stage(env: str, nat_count: int, sample_stacks: dict[str, Any]) -> None:
    stack = sample_stacks[env]
    nats = resources(stack, "aws_nat_gateway").values()
    assert len(nats) == nat_count
    public = set(by_tier(stack, "aws_subnet")["public"])
    assert all(ref(nat["subnet_id"]) in public for nat in nats)
    assert len({nat["subnet_id"] for nat in nats}) == nat_count  # one per AZ, not stacked in one


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_every_vpc_has_flow_logs_to_encrypted_long_lived_logs(
    env: str, sample_stacks: dict[str, Any], sample_estate: Estate
) -> None:
    stack = sample_stacks[env]
    logs = {f"aws_vpc.{name}": [] for name in resources(stack, "aws_vpc")}
    for flow_log in resources(stack, "aws_flow_log").values():
        if ref(flow_log["vpc_id"]) in logs:  # default VPCs: tests/account_baseline
            logs[ref(flow_log["vpc_id"])].append(flow_log)
    assert logs and all(len(found) == 2 for found in logs.values())
    groups = resources(stack, "aws_cloudwatch_log_group")
    for found in logs.values():
        assert all(flow_log["traffic_type"] == "ALL" for flow_log in found)
        by_kind = {flow_log.get("log_destination_type"): flow_log for flow_log in found}
        assert by_kind["s3"]["log_destination"] == f"arn:aws:s3:::{sample_estate.log_bucket}"
        group = groups[ref(by_kind["cloud-watch-logs"]["log_destination"]).split(".")[1]]
        assert (
            group["retention_in_days"] == sample_estate.retention_days(sample_estate.environments[env]) >= 365
        )
        assert group["kms_key_id"].startswith("${aws_kms_key.")


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_nacl_rules_match_the_tier_table(
    env: str, sample_stacks: dict[str, Any], sample_estate: Estate
) -> None:
    stack = sample_stacks[env]
    acl_tier = {
        f"aws_network_acl.{name}": body["tags"]["lz:tier"]
        for name, body in resources(stack, "aws_network_acl").items()
    }
    actual = {
        (
            acl_tier[ref(r["network_acl_id"])],
            r["egress"],
            r["rule_number"],
            r["protocol"],
            r["cidr_block"],
            r["from_port"],
            r["to_port"],
        )
        for r in resources(stack, "aws_network_acl_rule").values()
        if r["rule_action"] == "allow"
    }
    table = nacl_rules(sample_estate.environments[env].network)
    expected = {
        (tier, r.egress, r.number, r.protocol, r.cidr, r.from_port, r.to_port)
        for tier, rules in table.items()
        for r in rules
    }
    assert actual == expected
    # Every subnet sits in the NACL of its own tier.
    subnet_tier = {
        f"aws_subnet.{name}": body["tags"]["lz:tier"] for name, body in resources(stack, "aws_subnet").items()
    }
    for name, acl in resources(stack, "aws_network_acl").items():
        assert {subnet_tier[ref(s)] for s in acl["subnet_ids"]} == {acl["tags"]["lz:tier"]}, name


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_default_security_group_and_nacl_are_emptied(env: str, sample_stacks: dict[str, Any]) -> None:
    stack = sample_stacks[env]
    (default_sg,) = [  # of the environment's VPC; default VPCs: tests/account_baseline
        g
        for g in resources(stack, "aws_default_security_group").values()
        if g["vpc_id"].startswith("${aws_vpc.")
    ]
    (default_acl,) = [
        a
        for a in resources(stack, "aws_default_network_acl").values()
        if a["default_network_acl_id"].startswith("${aws_vpc.")
    ]
    for body in (default_sg, default_acl):
        assert not body.get("ingress") and not body.get("egress")


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_endpoint_set_is_present(env: str, sample_stacks: dict[str, Any]) -> None:
    stack = sample_stacks[env]
    endpoints = resources(stack, "aws_vpc_endpoint").values()
    kinds = {
        (e["vpc_endpoint_type"], e["service_name"].rsplit(".", 1)[-1])
        for e in endpoints
        if "." in e["service_name"]
    }
    assert {("Gateway", s) for s in GATEWAY_ENDPOINTS} <= kinds
    assert {("Interface", s) for s in DEFAULT_INTERFACE_ENDPOINTS} <= kinds
    endpoint_sg = next(
        name for name in resources(stack, "aws_security_group") if name.startswith("network_endpoint")
    )
    private = set(by_tier(stack, "aws_subnet")["private"])
    for endpoint in endpoints:
        if endpoint["vpc_endpoint_type"] == "Interface":
            assert endpoint["private_dns_enabled"] is True
            assert endpoint["security_group_ids"] == [f"${{aws_security_group.{endpoint_sg}.id}}"]
            assert {ref(s) for s in endpoint["subnet_ids"]} == private
    (https,) = [
        rule
        for rule in resources(stack, "aws_vpc_security_group_ingress_rule").values()
        if rule["security_group_id"] == f"${{aws_security_group.{endpoint_sg}.id}}"
    ]
    (vpc,) = resources(stack, "aws_vpc").values()
    assert (https["from_port"], https["to_port"], https["cidr_ipv4"]) == (443, 443, vpc["cidr_block"])


@pytest.mark.terraform
@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_plan_keeps_public_ips_off_and_flow_logs_on(env: str, sample_plans: dict[str, Any]) -> None:
    plan = sample_plans[env]
    assert plan.ok, plan.error
    planned = json.loads(plan.plan_json.read_text())
    subnets = planned_resources(planned, "aws_subnet")
    assert subnets and all(s["values"]["map_public_ip_on_launch"] is False for s in subnets)
    flow_logs = [f for f in planned_resources(planned, "aws_flow_log") if f["name"].startswith("network_")]
    assert [f["values"]["traffic_type"] for f in flow_logs] == ["ALL", "ALL"]
