"""Subnets of the isolated tier (tag `lz:tier = isolated`) have no route to an IGW or NAT."""

from collections.abc import Iterator

from modules.review.checks import CheckContext, Outcome, check
from modules.review.model import PlannedResource, StackView

TARGETS = ("gateway_id", "nat_gateway_id", "egress_only_gateway_id")
GATEWAY_TYPES = ("aws_internet_gateway.", "aws_nat_gateway.", "aws_egress_only_internet_gateway.")
GATEWAY_IDS = ("igw-", "nat-", "eigw-")


def _to_internet(stack: StackView, route: PlannedResource) -> bool:
    referenced = [ref for target in TARGETS for ref in stack.references(route.address, target)]
    literal = [str(route.values.get(target) or "") for target in TARGETS]
    return any(ref.startswith(GATEWAY_TYPES) for ref in referenced) or any(
        v.startswith(GATEWAY_IDS) for v in literal
    )


def _internet_routes(stack: StackView, table: str) -> list[str]:
    """Routes of one table (separate aws_route or inline) that lead to the internet."""
    found = [
        route.address
        for route in stack.planned("aws_route")
        if table in stack.references(route.address, "route_table_id") and _to_internet(stack, route)
    ]
    for planned in stack.planned("aws_route_table"):
        if planned.address != table:
            continue
        unknown = planned.unknown.get("route") or []
        for index, route in enumerate(planned.values.get("route") or []):
            pending = unknown[index] if index < len(unknown) and isinstance(unknown[index], dict) else {}
            # Inline targets are unknown until apply: any gateway target counts as a way out.
            if any(str(route.get(t) or "").startswith(GATEWAY_IDS) or pending.get(t) for t in TARGETS):
                found.append(f"{table} (inline route {index})")
    return found


@check("LZ_NET_003", "Isolated subnets have no route to an internet or NAT gateway")
def isolated_subnets_have_no_internet_route(ctx: CheckContext) -> Iterator[Outcome]:
    for stack in ctx.stacks.values():
        tables: dict[str, list[str]] = {}
        for association in stack.planned("aws_route_table_association"):
            for subnet_address in stack.references(association.address, "subnet_id"):
                tables.setdefault(subnet_address, []).extend(
                    stack.references(association.address, "route_table_id")
                )
        for subnet in stack.planned("aws_subnet"):
            if (subnet.values.get("tags") or {}).get("lz:tier") != "isolated":
                continue
            routes = [
                route for table in tables.get(subnet.address, []) for route in _internet_routes(stack, table)
            ]
            message = f"routes out: {', '.join(routes)}" if routes else "local routes only"
            yield Outcome(stack.name, subnet.address, not routes, message)
