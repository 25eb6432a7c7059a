"""`network:` one VPC per environment, three tiers over N AZs (NET-1..6).

The subnet plan is computed here, in pure Python, so validation can reject a CIDR that is too
small before anything is synthesized, and the construct only lays out what this plan says.
"""

from __future__ import annotations

import ipaddress
import math
import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, Field
from pydantic_core import PydanticCustomError

from modules.core.base import StrictModel
from modules.core.types import Cidr, UniqueList

TIERS = ("public", "private", "isolated")
SMALLEST_SUBNET_PREFIX = 28  # AWS's minimum subnet size

# Gateway endpoints are free and always created; an interface endpoint for them is a mistake here.
GATEWAY_ENDPOINTS = ("s3", "dynamodb")
# NET-6: Session Manager reaches instances without internet access only through these three.
SESSION_MANAGER_ENDPOINTS = ("ssm", "ssmmessages", "ec2messages")
DEFAULT_INTERFACE_ENDPOINTS = (*SESSION_MANAGER_ENDPOINTS, "logs", "kms", "secretsmanager")

# AZ letters per region where they are not a, b, c, ... (ap-northeast-1b is closed to new accounts).
ZONE_LETTERS = {"ap-northeast-1": "acd", "us-west-1": "ab"}
_ZONE_LETTERS_DEFAULT = "abcdef"

_SERVICE = re.compile(r"^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$")
_ZONE = re.compile(r"^[a-z]{2}-[a-z]+-\d[a-z]$")


def _endpoint_service(value: object) -> object:
    if not isinstance(value, str) or not _SERVICE.match(value) or value.startswith("com."):
        raise PydanticCustomError(
            "endpoint_service",
            "not an endpoint service short name (expected the part after "
            "'com.amazonaws.<region>.', e.g. 'ssm' or 'ecr.api')",
            {"value": value},
        )
    if value in GATEWAY_ENDPOINTS:
        raise PydanticCustomError(
            "endpoint_gateway",
            "always created as a gateway endpoint (expected only interface endpoint "
            "services here, e.g. 'ssm')",
            {"value": value},
        )
    return value


def _has_session_manager_endpoints(values: list[str]) -> list[str]:
    missing = [name for name in SESSION_MANAGER_ENDPOINTS if name not in values]
    if missing:
        raise PydanticCustomError(
            "endpoint_missing",
            "{missing} missing (expected ssm, ssmmessages and ec2messages: Session Manager needs "
            "them to reach instances without internet access, NET-6)",
            {"missing": ", ".join(missing)},
        )
    return values


def _zone(value: object) -> object:
    if not isinstance(value, str) or not _ZONE.match(value):
        raise PydanticCustomError(
            "availability_zone",
            "not an availability zone name (expected e.g. 'ap-northeast-1a')",
            {"value": value},
        )
    return value


EndpointService = Annotated[str, BeforeValidator(_endpoint_service)]
AvailabilityZone = Annotated[str, BeforeValidator(_zone)]


class NetworkConfig(StrictModel):
    """NET-1..6: public, private and isolated subnets in each AZ, carved in order from `cidr`."""

    cidr: Cidr = Field(
        description="VPC IPv4 block, /16 to /24, disjoint from every other environment's; each tier gets "
        "one equal subnet per AZ, at least /28."
    )
    az_count: int = Field(default=3, ge=1, le=6, description="Availability zones used (1-6).")
    availability_zones: Annotated[list[AvailabilityZone], UniqueList] = Field(
        default_factory=list,
        description="AZ names, one per az_count; empty: the region's first az_count zones.",
    )
    nat: Literal["per_az", "single", "none"] | None = Field(
        default=None,
        description="NAT gateways in the public subnets; null: per_az in production, single elsewhere "
        "(NET-2).",
    )
    interface_endpoints: Annotated[
        list[EndpointService], UniqueList, AfterValidator(_has_session_manager_endpoints)
    ] = Field(
        default_factory=lambda: list(DEFAULT_INTERFACE_ENDPOINTS),
        description="Interface endpoint service short names (NET-3, NET-6); S3 and DynamoDB are "
        "always gateway endpoints.",
    )
    flow_log_aggregation_seconds: Literal[60, 600] = Field(
        default=600, description="VPC Flow Logs aggregation interval (NET-1, LOG-1)."
    )

    def zones(self, region: str) -> list[str]:
        """The AZ names the subnets go in: configured, or the region's first `az_count`."""
        if self.availability_zones:
            return list(self.availability_zones)
        letters = ZONE_LETTERS.get(region, _ZONE_LETTERS_DEFAULT)
        return [f"{region}{letter}" for letter in letters[: self.az_count]]

    def subnet_bits(self) -> int:
        """Bits added to the VPC prefix so every tier gets one subnet per AZ."""
        return math.ceil(math.log2(len(TIERS) * self.az_count)) if self.az_count > 0 else 0

    def subnet_prefix(self) -> int:
        return ipaddress.IPv4Network(self.cidr).prefixlen + self.subnet_bits()

    def subnets(self) -> dict[str, list[str]]:
        """tier -> one CIDR per AZ, carved in order: public, private, isolated."""
        network = ipaddress.IPv4Network(self.cidr)
        blocks = list(network.subnets(prefixlen_diff=self.subnet_bits()))
        return {
            tier: [str(blocks[index * self.az_count + az]) for az in range(self.az_count)]
            for index, tier in enumerate(TIERS)
        }
