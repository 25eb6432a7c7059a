"""Every CloudWatch log group keeps its logs at least as long as the estate's floor."""

from collections.abc import Iterator

from modules.review.checks import CheckContext, Outcome, check


@check(
    "LZ_LOG_001",
    "CloudWatch log groups keep logs at least the retention floor (365 days or tighter)",
)
def log_group_retention_at_least_floor(ctx: CheckContext) -> Iterator[Outcome]:
    for stack, group in ctx.planned("aws_cloudwatch_log_group"):
        floor = ctx.retention_floor(stack.name)
        days = group.values.get("retention_in_days") or 0  # 0 / unset: never expires
        if group.is_unknown("retention_in_days"):
            yield Outcome(stack.name, group.address, False, "retention is unknown until apply")
        elif days == 0:
            yield Outcome(stack.name, group.address, True, "never expires")
        else:
            yield Outcome(stack.name, group.address, days >= floor, f"{days} days (floor {floor})")
