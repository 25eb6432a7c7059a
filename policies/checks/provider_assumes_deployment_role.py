"""Every stack reaches its account only through the deployment role, never ambient creds.

Reads the synthesized config: the offline plan removes assume_role, so the plan cannot tell.
"""

from collections.abc import Iterator

from modules.review.checks import CheckContext, Outcome, check


@check(
    "LZ_IAC_001",
    "Every AWS provider assumes the deployment role in the stack's own account",
)
def provider_assumes_deployment_role(ctx: CheckContext) -> Iterator[Outcome]:
    role = ctx.estate.organization.deployment.role_name
    for stack in ctx.stacks.values():
        spec = ctx.spec(stack.name)
        expected = f"arn:aws:iam::{spec.account_id if spec else '<account>'}:role/{role}"
        if not stack.providers:
            yield Outcome(stack.name, "provider.aws", False, "stack has no AWS provider block")
        for provider in stack.providers:
            address = f"provider.aws.{provider.get('alias', 'default')}"
            arns = [item.get("role_arn") for item in provider.get("assume_role") or []]
            if not arns:
                yield Outcome(stack.name, address, False, f"no assume_role (expected {expected})")
            else:
                ok = spec is not None and arns == [expected]
                yield Outcome(
                    stack.name, address, ok, f"assumes {', '.join(map(str, arns))} (expected {expected})"
                )
