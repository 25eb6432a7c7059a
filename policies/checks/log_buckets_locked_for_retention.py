"""The central log bucket has Object Lock on, with a default retention in the configured mode
of at least the longest retention any account needs (the bucket holds every account's logs).

checkov's own Object Lock check reads only `aws_s3_bucket`; since AWS provider 4 the retention is a
separate `aws_s3_bucket_object_lock_configuration`, linked to the bucket by a reference that is
unknown at plan time, so this check follows the reference. The access-log bucket is exempt by
design (S3 cannot deliver server access logs to a bucket with a default retention). In
control_tower mode Control Tower's own buckets are not in our plan; it sets their retention itself,
and SCP-1 (LZ_SCP_001) protects them.
"""

from collections.abc import Iterator
from typing import Any

from modules.config.topology import LOG_ARCHIVE
from modules.review.checks import CheckContext, Outcome, check
from modules.review.model import PlannedResource, StackView

DAYS_PER_YEAR = 365  # a lock of N years lasts at least N * 365 days


def _locks_of(stack: StackView, bucket: PlannedResource) -> list[PlannedResource]:
    name = bucket.values.get("bucket")
    return [
        lock
        for lock in stack.planned("aws_s3_bucket_object_lock_configuration")
        if lock.values.get("bucket") == name or bucket.address in stack.references(lock.address, "bucket")
    ]


def _retention(lock: PlannedResource) -> tuple[str | None, int]:
    """(mode, days) of the lock's default retention; years counted as 365 days each."""
    rules: list[dict[str, Any]] = lock.values.get("rule") or []
    defaults: list[dict[str, Any]] = (rules[0].get("default_retention") or []) if rules else []
    if not defaults:
        return None, 0
    default = defaults[0]
    return default.get("mode"), (default.get("days") or 0) + (default.get("years") or 0) * DAYS_PER_YEAR


def _problems(ctx: CheckContext, stack: StackView, bucket: PlannedResource, required: int) -> list[str]:
    wanted_mode = ctx.estate.organization.log_archive.object_lock_mode
    problems = [] if bucket.values.get("object_lock_enabled") is True else ["object_lock_enabled is not true"]
    locks = _locks_of(stack, bucket)
    if not locks:
        return [*problems, "no aws_s3_bucket_object_lock_configuration refers to it"]
    for lock in locks:
        if lock.values.get("object_lock_enabled", "Enabled") != "Enabled":
            problems.append(f"{lock.address}: Object Lock not Enabled")
        mode, days = _retention(lock)
        if mode is None:
            problems.append(f"{lock.address}: no default retention")
            continue
        if mode != wanted_mode:
            problems.append(f"{lock.address}: mode {mode}, config says {wanted_mode}")
        if days < required:
            problems.append(f"{lock.address}: default retention {days} days < {required}")
    return problems


@check(
    "LZ_LOG_002",
    "Every log bucket has Object Lock with a default retention of at least the retention floor",
    scope="roles",
)
def log_buckets_locked_for_retention(ctx: CheckContext) -> Iterator[Outcome]:
    if LOG_ARCHIVE not in ctx.stacks:  # pending account: nothing planned to judge
        return
    name, required = ctx.estate.log_bucket, ctx.estate.archive_retention_days
    found = [
        (stack, bucket)
        for stack, bucket in ctx.planned("aws_s3_bucket")
        if bucket.values.get("bucket") == name
    ]
    if not found:
        yield Outcome(LOG_ARCHIVE, f"log-bucket/{name}", False, f"log bucket {name} is not planned")
    for stack, bucket in found:
        problems = _problems(ctx, stack, bucket, required)
        detail = "; ".join(problems) if problems else f"locked >= {required} days"
        yield Outcome(stack.name, bucket.address, not problems, f"{name}: {detail}")
