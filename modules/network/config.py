"""`network:` one VPC per environment, three tiers over N AZs (NET-1..6).

The subnet plan is computed here, in pure Python, so validation can reject a CIDR that is too
small before anything is synthesized, and the construct only lays out what this plan says.
"""

from __future__ import annotations

import ipaddress
import math
from typing import Literal

from pydantic import Field

from modules.core.base import StrictModel
from modules.core.types import Cidr

TIERS = ("public", "private", "isolated")
SMALLEST_SUBNET_PREFIX = 28  # AWS's minimum subnet size


class NetworkConfig(StrictModel):
    cidr: Cidr
    az_count: int = Field(default=3, ge=1, le=6)
    nat: Literal["per_az", "single", "none"] | None = Field(
        default=None, description="Default: per_az in production, single elsewhere (NET-2)."
    )
    interface_endpoints: list[str] = Field(
        default_factory=lambda: ["ssm", "ssmmessages", "ec2messages", "logs", "kms", "secretsmanager"],
        description="Interface endpoint service short names (NET-3, NET-6).",
    )

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
