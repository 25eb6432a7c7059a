"""Every VPC records all its traffic in flow logs."""

from collections.abc import Iterator

from modules.review.checks import CheckContext, Outcome, check


@check("LZ_NET_002", "Every VPC has flow logs of all traffic")
def vpcs_have_flow_logs(ctx: CheckContext) -> Iterator[Outcome]:
    for stack in ctx.stacks.values():
        logged = {
            vpc
            for flow_log in stack.planned("aws_flow_log")
            if flow_log.values.get("traffic_type") == "ALL"
            for vpc in stack.references(flow_log.address, "vpc_id")
        }
        for vpc in stack.planned("aws_vpc"):
            found = vpc.address in logged
            yield Outcome(
                stack.name, vpc.address, found, "flow log (ALL)" if found else "no flow log of ALL traffic"
            )
