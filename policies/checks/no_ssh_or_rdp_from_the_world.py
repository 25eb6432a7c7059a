"""No security group or network ACL admits SSH (22) or RDP (3389) from anywhere."""

from collections.abc import Iterator
from typing import Any

from modules.review.checks import CheckContext, Outcome, check
from modules.review.model import PlannedResource

PORTS = (22, 3389)
WORLD = ("0.0.0.0/0", "::/0")
ALL_PROTOCOLS = ("-1", "all")


def _opens(protocol: Any, from_port: Any, to_port: Any, sources: list[Any]) -> list[int]:
    """The admin ports a rule opens, given its protocol, port range and source CIDRs."""
    if not any(source in WORLD for source in sources):
        return []
    if str(protocol).lower() in ALL_PROTOCOLS:
        return list(PORTS)
    if str(protocol).lower() not in ("tcp", "6", "udp", "17"):
        return []
    low, high = int(from_port or 0), int(to_port or 0)
    return [port for port in PORTS if low <= port <= high]


def _rules(resource: PlannedResource) -> Iterator[list[int]]:
    """Ports opened to the world by each ingress rule of a resource, whatever its type."""
    values = resource.values
    if resource.type in ("aws_security_group", "aws_default_security_group"):
        for rule in values.get("ingress") or []:
            sources = [*(rule.get("cidr_blocks") or []), *(rule.get("ipv6_cidr_blocks") or [])]
            yield _opens(rule.get("protocol"), rule.get("from_port"), rule.get("to_port"), sources)
    elif resource.type == "aws_security_group_rule" and values.get("type") == "ingress":
        sources = [*(values.get("cidr_blocks") or []), *(values.get("ipv6_cidr_blocks") or [])]
        yield _opens(values.get("protocol"), values.get("from_port"), values.get("to_port"), sources)
    elif resource.type == "aws_vpc_security_group_ingress_rule":
        sources = [values.get("cidr_ipv4"), values.get("cidr_ipv6")]
        yield _opens(values.get("ip_protocol"), values.get("from_port"), values.get("to_port"), sources)
    elif (
        resource.type == "aws_network_acl_rule"
        and not values.get("egress")
        and values.get("rule_action") == "allow"
    ):
        sources = [values.get("cidr_block"), values.get("ipv6_cidr_block")]
        yield _opens(values.get("protocol"), values.get("from_port"), values.get("to_port"), sources)
    elif resource.type in ("aws_network_acl", "aws_default_network_acl"):
        for rule in values.get("ingress") or []:
            if rule.get("action") == "allow":
                sources = [rule.get("cidr_block"), rule.get("ipv6_cidr_block")]
                yield _opens(rule.get("protocol"), rule.get("from_port"), rule.get("to_port"), sources)


RULE_TYPES = (
    "aws_security_group",
    "aws_default_security_group",
    "aws_security_group_rule",
    "aws_vpc_security_group_ingress_rule",
    "aws_network_acl",
    "aws_default_network_acl",
    "aws_network_acl_rule",
)


@check(
    "LZ_NET_004",
    "No security group or network ACL admits SSH or RDP from anywhere",
    severity="CRITICAL",
)
def no_ssh_or_rdp_from_the_world(ctx: CheckContext) -> Iterator[Outcome]:
    for resource_type in RULE_TYPES:
        for stack, resource in ctx.planned(resource_type):
            opened = sorted({port for ports in _rules(resource) for port in ports})
            message = (
                f"opens {', '.join(map(str, opened))} to the world" if opened else "no SSH/RDP from anywhere"
            )
            yield Outcome(stack.name, resource.address, not opened, message)
