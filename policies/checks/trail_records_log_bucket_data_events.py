"""An organization trail of the management account records S3 object-level (data) events of
every log bucket (the log archive's, plus Control Tower's in that mode): reads and deletions of the
evidence itself leave a record. A selector may cover all buckets or name each log bucket's prefix."""

from collections.abc import Iterator
from typing import Any

from modules.config.topology import ORGANIZATION
from modules.review.checks import CheckContext, Outcome, check


def _covers(selector: dict[str, Any], bucket: str) -> bool:
    fields = {f.get("field"): f for f in selector.get("field_selector") or []}
    if (fields.get("eventCategory") or {}).get("equals") != ["Data"]:
        return False
    if "AWS::S3::Object" not in ((fields.get("resources.type") or {}).get("equals") or []):
        return False
    arn = fields.get("resources.ARN")
    if arn is None:
        return True  # every bucket
    prefixes = arn.get("starts_with") or []
    return any(f"arn:aws:s3:::{bucket}/".startswith(prefix) for prefix in prefixes)


@check(
    "LZ_LOG_003",
    "The organization trail records S3 data events of every log bucket",
    scope="roles",
)
def trail_records_log_bucket_data_events(ctx: CheckContext) -> Iterator[Outcome]:
    stack = ctx.stacks.get(ORGANIZATION)
    trails = (
        [t for t in stack.planned("aws_cloudtrail") if t.values.get("is_organization_trail")] if stack else []
    )
    for bucket in ctx.estate.log_buckets:
        covering = [
            trail.address
            for trail in trails
            if any(
                _covers(selector, bucket) for selector in trail.values.get("advanced_event_selector") or []
            )
        ]
        detail = (
            f"recorded by {', '.join(covering)}"
            if covering
            else "no organization trail records its data events"
        )
        yield Outcome(ORGANIZATION, f"log-bucket/{bucket}", bool(covering), detail)
