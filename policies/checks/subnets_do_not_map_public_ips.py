"""No subnet hands out public IPs on launch; servers never get one by accident."""

from collections.abc import Iterator

from modules.review.checks import CheckContext, Outcome, check


@check("LZ_NET_001", "Subnets do not assign public IPs on launch")
def subnets_do_not_map_public_ips(ctx: CheckContext) -> Iterator[Outcome]:
    for stack, subnet in ctx.planned("aws_subnet"):
        if subnet.is_unknown("map_public_ip_on_launch"):
            yield Outcome(stack.name, subnet.address, False, "map_public_ip_on_launch is unknown until apply")
        elif subnet.values.get("map_public_ip_on_launch"):
            yield Outcome(stack.name, subnet.address, False, "map_public_ip_on_launch is true")
        else:
            yield Outcome(stack.name, subnet.address, True, "no public IPs on launch")
