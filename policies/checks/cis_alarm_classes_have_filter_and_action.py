"""Every event class of `policies/cis_alarms.yaml` has, in the `organization` stack, a metric
filter with the table's pattern on the organization trail's log group (Control Tower's group in
control_tower mode without our trail) and an alarm on its metric with at least one action.

The filters sit once on the trail's log group in the management account, which receives every
account's events (modules/cloudtrail/README.md); an alarm without an action, or a filter on another
log group, would stay silent.
"""

from collections.abc import Iterator

from modules.alarms.table import AlarmRow, alarm_rows
from modules.config.topology import ORGANIZATION
from modules.review.checks import CheckContext, Outcome, check
from modules.review.model import PlannedResource, StackView


def _trail_log_groups(ctx: CheckContext, stack: StackView) -> set[str]:
    """Names of the log groups the stack's trails deliver to, plus Control Tower's in that mode."""
    groups = {group.address: group.values.get("name") for group in stack.planned("aws_cloudwatch_log_group")}
    names = {
        str(groups[ref])
        for trail in stack.planned("aws_cloudtrail")
        for ref in stack.references(trail.address, "cloud_watch_logs_group_arn")
        if groups.get(ref)
    }
    if ctx.estate.control_tower_mode:
        names.add(ctx.estate.organization.cloudtrail.control_tower_log_group)
    return names


def _metric(resource: PlannedResource) -> tuple[str | None, str | None]:
    transformations = resource.values.get("metric_transformation") or [{}]
    return transformations[0].get("namespace"), transformations[0].get("name")


def _alarm_problems(stack: StackView, row: AlarmRow, metric: tuple[str | None, str | None]) -> list[str]:
    alarms = [
        alarm
        for alarm in stack.planned("aws_cloudwatch_metric_alarm")
        if (alarm.values.get("namespace"), alarm.values.get("metric_name")) == metric
    ]
    if not alarms:
        return [f"no alarm on metric {row.metric_name}"]
    for alarm in alarms:
        # Actions are usually SNS topic ARNs, unknown until apply: a pending value counts.
        has_action = bool(alarm.values.get("alarm_actions")) or alarm.is_unknown("alarm_actions")
        if has_action and alarm.values.get("actions_enabled") is not False:
            return []
    return [f"alarm {alarms[0].address} has no enabled action"]


def _problems(stack: StackView, row: AlarmRow, log_groups: set[str]) -> list[str]:
    filters = [
        f for f in stack.planned("aws_cloudwatch_log_metric_filter") if _metric(f)[1] == row.metric_name
    ]
    if not filters:
        return [f"no metric filter (metric {row.metric_name})"]
    on_trail = [f for f in filters if f.values.get("log_group_name") in log_groups]
    if not on_trail:
        where = ", ".join(sorted({str(f.values.get("log_group_name")) for f in filters}))
        return [
            f"filter reads {where}, not the trail's log group ({', '.join(sorted(log_groups)) or 'none'})"
        ]
    matching = [f for f in on_trail if f.values.get("pattern") == row.pattern]
    if not matching:
        return [f"filter {on_trail[0].address} pattern differs from policies/cis_alarms.yaml"]
    return _alarm_problems(stack, row, _metric(matching[0]))


@check(
    "LZ_DET_001",
    "Every DET-3/DET-5 event class has a metric filter on the trail's log group and an alarm with an action",
    scope="roles",
)
def cis_alarm_classes_have_filter_and_action(ctx: CheckContext) -> Iterator[Outcome]:
    stack = ctx.stacks.get(ORGANIZATION)
    for row in alarm_rows():
        address = f"cis-alarm/{row.name}"
        if stack is None:
            yield Outcome(
                ORGANIZATION, address, False, f"'{row.event_class}': the organization stack is not planned"
            )
            continue
        problems = _problems(stack, row, _trail_log_groups(ctx, stack))
        detail = "; ".join(problems) if problems else "filter and alarm with an action"
        yield Outcome(stack.name, address, not problems, f"'{row.event_class}': {detail}")
