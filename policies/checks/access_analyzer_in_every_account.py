"""IAM Access Analyzer runs in every account; the audit account analyzes the organization."""

from collections.abc import Iterator

from modules.review.checks import CheckContext, Outcome, check

RESOURCE = "aws_accessanalyzer_analyzer"


@check(
    "LZ_IAM_004",
    "Every account has Access Analyzer; the audit account's has organization scope",
)
def access_analyzer_in_every_account(ctx: CheckContext) -> Iterator[Outcome]:
    for stack in ctx.stacks.values():
        spec = ctx.spec(stack.name)
        expected = "ORGANIZATION" if spec is not None and spec.account_key == "audit" else "ACCOUNT"
        analyzers = stack.planned(RESOURCE)
        if not analyzers:
            yield Outcome(stack.name, RESOURCE, False, f"no Access Analyzer (expected type {expected})")
        for analyzer in analyzers:
            kind = analyzer.values.get("type")
            yield Outcome(
                stack.name, analyzer.address, kind == expected, f"type {kind} (expected {expected})"
            )
