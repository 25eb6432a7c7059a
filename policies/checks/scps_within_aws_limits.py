"""SCP-6: every planned SCP is at most 5,120 characters (whitespace-minified, as AWS counts) and no
target carries more than 5 SCPs including AWS's FullAWSAccess: AWS would refuse either at apply."""

import json
from collections import defaultdict
from collections.abc import Iterator

from modules.core.policy_templates import minify
from modules.organization.scp import MAX_SCP_CHARS, MAX_SCPS_PER_TARGET
from modules.review.checks import CheckContext, Outcome, check


@check("LZ_SCP_003", "SCPs stay within AWS's size and per-target limits", requirements=["SCP-6"])
def scps_within_aws_limits(ctx: CheckContext) -> Iterator[Outcome]:
    for stack, policy in ctx.planned("aws_organizations_policy"):
        if policy.values.get("type", "SERVICE_CONTROL_POLICY") != "SERVICE_CONTROL_POLICY":
            continue
        size = len(minify(json.loads(policy.values["content"])))
        yield Outcome(
            stack.name, policy.address, size <= MAX_SCP_CHARS, f"{size} of {MAX_SCP_CHARS} characters"
        )
    for stack in ctx.stacks.values():
        # Target ids are unknown until apply; the synthesized reference names the target.
        by_target: dict[str, list[str]] = defaultdict(list)
        for address, body in stack.configured("resource", "aws_organizations_policy_attachment"):
            by_target[str(body["target_id"]).strip("${}")].append(address)
        for target, addresses in sorted(by_target.items()):
            count = len(addresses) + 1  # FullAWSAccess
            message = f"{count} of {MAX_SCPS_PER_TARGET} SCPs incl. FullAWSAccess"
            yield Outcome(stack.name, f"scp-target/{target}", count <= MAX_SCPS_PER_TARGET, message)
