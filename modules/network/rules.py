"""Cross-file network checks: VPCs never overlap, every tier fits (NET-1)."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from difflib import get_close_matches
from itertools import combinations
from typing import TYPE_CHECKING

from modules.core.findings import Finding
from modules.core.rules import rule
from modules.network import endpoints
from modules.network.config import SMALLEST_SUBNET_PREFIX, TIERS, ZONE_LETTERS

if TYPE_CHECKING:
    from modules.config.models import Estate


@rule("LZ_RULE_NET_001")
def vpc_cidrs_do_not_overlap(estate: Estate) -> Iterator[Finding]:
    """Environment VPCs never overlap (they must be routable to each other and on premises)."""
    networks = {name: ipaddress.IPv4Network(env.network.cidr) for name, env in estate.environments.items()}
    for (first, first_net), (second, second_net) in combinations(networks.items(), 2):
        if first_net.overlaps(second_net):
            yield Finding(
                second,
                ("network", "cidr"),
                f"{second_net} overlaps {first_net} of environment '{first}' (expected disjoint VPC CIDRs)",
            )


@rule("LZ_RULE_NET_002")
def subnets_fit_the_vpc(estate: Estate) -> Iterator[Finding]:
    """The VPC's CIDR is large enough for every tier's subnet in every availability zone."""
    for name, env in estate.environments.items():
        prefix = env.network.subnet_prefix()
        if prefix > SMALLEST_SUBNET_PREFIX:
            yield Finding(
                name,
                ("network", "cidr"),
                f"{env.network.cidr} is too small for "
                f"{len(TIERS)} tiers x {env.network.az_count} AZs (subnets would be "
                f"/{prefix}; expected /{SMALLEST_SUBNET_PREFIX} or larger)",
            )


@rule("LZ_RULE_NET_003")
def production_nat_is_per_az(estate: Estate) -> Iterator[Finding]:
    """Production has one NAT gateway per availability zone (NET-2)."""
    for name, env in estate.environments.items():
        if env.stage == "production" and env.nat_mode != "per_az":
            yield Finding(
                name,
                ("network", "nat"),
                f"'{env.nat_mode}' is looser than the "
                "production floor (expected per_az: one NAT gateway per AZ, NET-2)",
            )


@rule("LZ_RULE_NET_004")
def availability_zones_fit_the_region(estate: Estate) -> Iterator[Finding]:
    """Named availability zones exist in the environment's region and match `az_count`."""
    for name, env in estate.environments.items():
        network = env.network
        zones = network.zones(env.region)
        if network.availability_zones and len(zones) != network.az_count:
            yield Finding(
                name,
                ("network", "availability_zones"),
                f"{len(zones)} zones listed for az_count {network.az_count} (expected one zone per AZ)",
            )
        elif len(zones) < network.az_count:
            yield Finding(
                name,
                ("network", "az_count"),
                f"{env.region} has {len(zones)} zones for new accounts "
                f"({', '.join(zones)}), not {network.az_count} (expected az_count <= {len(zones)}, "
                "or list network.availability_zones)",
            )
        for index, zone in enumerate(network.availability_zones):
            if zone[:-1] != env.region:
                yield Finding(
                    name,
                    ("network", "availability_zones", index),
                    f"'{zone}' is not a zone of the environment's region {env.region} "
                    f"(expected e.g. '{env.region}{ZONE_LETTERS.get(env.region, 'a')[0]}')",
                )


@rule("LZ_RULE_NET_005")
def interface_endpoints_exist(estate: Estate) -> Iterator[Finding]:
    """Every interface endpoint names a service AWS has, offered in the environment's region."""
    for name, env in estate.environments.items():
        for index, service in enumerate(env.network.interface_endpoints):
            loc = ("network", "interface_endpoints", index)
            resolved = endpoints.resolve(service)
            if resolved is None:
                close = get_close_matches(service, endpoints.known_names(), n=1)
                hint = f"did you mean '{close[0]}'? " if close else ""
                yield Finding(
                    name,
                    loc,
                    f"'{service}' is not an AWS service with endpoints ({hint}expected a service short "
                    f"name such as ssm or ecr.api; known from {endpoints.source()})",
                )
            elif resolved.exact and env.region not in endpoints.regions_of(resolved.service):
                yield Finding(
                    name,
                    loc,
                    f"'{service}' is not offered in {env.region} (expected a service of that region; "
                    f"per {endpoints.source()})",
                )
