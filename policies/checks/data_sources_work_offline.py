"""Plans run in review without AWS credentials, so no data source may call AWS.

A data source that needs AWS would fail the offline plan (or, online, make the plan depend on
the live account): only data sources the provider computes locally are allowed.
"""

from collections.abc import Iterator

from modules.review.checks import CheckContext, Outcome, check

# Data sources the AWS provider 5.x answers from its own configuration or static tables.
OFFLINE_DATA_SOURCES = frozenset(
    {
        "aws_arn",
        "aws_billing_service_account",
        "aws_cloudtrail_service_account",
        "aws_default_tags",
        "aws_elb_hosted_zone_id",
        "aws_elb_service_account",
        "aws_iam_policy_document",
        "aws_partition",
        "aws_redshift_service_account",
        "aws_region",
        "aws_service_principal",
    }
)


@check(
    "LZ_IAC_002",
    "Data sources are computed locally; none calls AWS during plan",
)
def data_sources_work_offline(ctx: CheckContext) -> Iterator[Outcome]:
    for stack in ctx.stacks.values():
        for address, _body in stack.configured("data"):
            kind = address.split(".")[1]
            offline = kind in OFFLINE_DATA_SOURCES
            note = "computed locally" if offline else f"{kind} calls AWS (or the network) during plan"
            yield Outcome(stack.name, address, offline, note)
