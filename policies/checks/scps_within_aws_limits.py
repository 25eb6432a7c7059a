"""Every planned SCP and RCP is at most 5,120 characters (whitespace-minified, as
AWS counts), a declarative policy at most 10,000, and no target carries more than 5 SCPs (incl. AWS's
FullAWSAccess), 5 RCPs (incl. RCPFullAWSAccess) or 10 declarative policies: AWS would refuse any of
them at apply. Each policy type has its own quota, so attachments are counted per type."""

import json
import re
from collections import defaultdict
from collections.abc import Iterator

from modules.core.policy_templates import minify
from modules.organization.declarative import MAX_DECLARATIVE_CHARS
from modules.organization.rcp import MAX_RCP_CHARS, MAX_RCPS_PER_TARGET
from modules.organization.scp import MAX_SCP_CHARS, MAX_SCPS_PER_TARGET
from modules.review.checks import CheckContext, Outcome, check

SCP = "SERVICE_CONTROL_POLICY"
# policy type -> (size limit, per-target limit incl. the AWS managed policy, label of that policy)
LIMITS = {
    SCP: (MAX_SCP_CHARS, MAX_SCPS_PER_TARGET, "SCPs incl. FullAWSAccess"),
    "RESOURCE_CONTROL_POLICY": (MAX_RCP_CHARS, MAX_RCPS_PER_TARGET, "RCPs incl. RCPFullAWSAccess"),
    "DECLARATIVE_POLICY_EC2": (MAX_DECLARATIVE_CHARS, 10 + 1, "declarative policies (limit 10) + 1"),
}
_POLICY_REF = re.compile(r"aws_organizations_policy\.([A-Za-z0-9_-]+)\.id")


def _policy_types(ctx: CheckContext) -> dict[tuple[str, str], str]:
    """(stack, policy name) -> policy type, from the synthesized configuration."""
    types = {}
    for stack in ctx.stacks.values():
        for address, body in stack.configured("resource", "aws_organizations_policy"):
            types[(stack.name, address.rpartition(".")[2])] = str(body.get("type", SCP))
    return types


@check(
    "LZ_SCP_003",
    "SCPs, RCPs and declarative policies stay within AWS's size and per-target limits",
)
def scps_within_aws_limits(ctx: CheckContext) -> Iterator[Outcome]:
    for stack, policy in ctx.planned("aws_organizations_policy"):
        kind = policy.values.get("type", SCP)
        content = policy.values.get("content")
        if kind not in LIMITS or not isinstance(content, str):
            continue  # RCP contents hold the organization id: unknown until apply (checked at validate)
        size = len(minify(json.loads(content)))
        limit = LIMITS[kind][0]
        yield Outcome(stack.name, policy.address, size <= limit, f"{size} of {limit} characters")
    types = _policy_types(ctx)
    for stack in ctx.stacks.values():
        # Target ids are unknown until apply; the synthesized reference names the target.
        by_target: dict[tuple[str, str], list[str]] = defaultdict(list)
        for address, body in stack.configured("resource", "aws_organizations_policy_attachment"):
            match = _POLICY_REF.search(str(body.get("policy_id", "")))
            kind = types.get((stack.name, match.group(1)), SCP) if match else SCP
            by_target[(kind, str(body["target_id"]).strip("${}"))].append(address)
        for (kind, target), addresses in sorted(by_target.items()):
            _, per_target, label = LIMITS.get(kind, LIMITS[SCP])
            count = len(addresses) + 1
            prefix = "scp-target" if kind == SCP else f"{kind.lower()}-target"
            yield Outcome(
                stack.name, f"{prefix}/{target}", count <= per_target, f"{count} of {per_target} {label}"
            )
