"""The network ACL baseline per tier (NET-5), as data: tests and the construct read the same table.

Security groups are the primary control; NACLs only keep tiers apart. NACLs are stateless, so
every tier admits the return traffic of what it sends. Remote desktop (3389) sits inside the
ephemeral range: return traffic from the internet is admitted around it, so no NACL ever opens
22 or 3389 to the world (checkov CKV_AWS_229..232, LZ_NET_004).
"""

from __future__ import annotations

from dataclasses import dataclass

from modules.network.config import TIERS, NetworkConfig

ANYWHERE = "0.0.0.0/0"
EPHEMERAL = (1024, 65535)
ALL_TCP_PORTS = (1, 65535)
RDP = 3389


@dataclass(frozen=True)
class NaclRule:
    egress: bool
    number: int
    protocol: str  # "tcp", "udp" or "-1" (every protocol; ports then 0)
    cidr: str
    source: str  # who the rule is about: anywhere, vpc or a tier; part of the Terraform address
    from_port: int = 0
    to_port: int = 0

    @property
    def construct_id(self) -> str:
        return f"{'out' if self.egress else 'in'}_{self.source}_{self.number}"


def _around_rdp(first_number: int, protocol: str) -> list[NaclRule]:
    low, high = EPHEMERAL
    return [
        NaclRule(False, first_number, protocol, ANYWHERE, "anywhere", low, RDP - 1),
        NaclRule(False, first_number + 1, protocol, ANYWHERE, "anywhere", RDP + 1, high),
    ]


def _each(
    egress: bool,
    first_number: int,
    protocol: str,
    tier: str,
    cidrs: list[str],
    ports: tuple[int, int] = (0, 0),
) -> list[NaclRule]:
    return [NaclRule(egress, first_number + i, protocol, cidr, tier, *ports) for i, cidr in enumerate(cidrs)]


def nacl_rules(config: NetworkConfig) -> dict[str, list[NaclRule]]:
    """tier -> its rules.

    public:   in 80/443 and return traffic (TCP/UDP, around 3389) from anywhere, all from the VPC
              (NAT traffic of the private tier, load balancer targets answering); out anywhere.
    private:  in all from the public tier and its own tier, TCP return traffic from isolated;
              out anywhere (through the NAT).
    isolated: in TCP from private and its own tier (replication); out only TCP return traffic
              to private and TCP to its own tier. No route and no rule towards the internet.
    """
    subnets = config.subnets()
    public, private, isolated = (subnets[tier] for tier in TIERS)
    return {
        "public": [
            NaclRule(False, 100, "tcp", ANYWHERE, "anywhere", 443, 443),
            NaclRule(False, 110, "tcp", ANYWHERE, "anywhere", 80, 80),
            *_around_rdp(120, "tcp"),
            *_around_rdp(130, "udp"),
            NaclRule(False, 200, "-1", config.cidr, "vpc"),
            NaclRule(True, 100, "-1", ANYWHERE, "anywhere"),
        ],
        "private": [
            *_each(False, 100, "-1", "public", public),
            *_each(False, 200, "-1", "private", private),
            *_each(False, 300, "tcp", "isolated", isolated, EPHEMERAL),
            NaclRule(True, 100, "-1", ANYWHERE, "anywhere"),
        ],
        "isolated": [
            *_each(False, 100, "tcp", "private", private, ALL_TCP_PORTS),
            *_each(False, 200, "tcp", "isolated", isolated, ALL_TCP_PORTS),
            *_each(True, 100, "tcp", "private", private, EPHEMERAL),
            *_each(True, 200, "tcp", "isolated", isolated, ALL_TCP_PORTS),
        ],
    }


def opens_port_to_world(rule: NaclRule, port: int) -> bool:
    """An ingress rule admitting `port` from anywhere (all protocols count as every port)."""
    if rule.egress or rule.cidr != ANYWHERE:
        return False
    return rule.protocol == "-1" or rule.from_port <= port <= rule.to_port
