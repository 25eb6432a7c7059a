"""Outside the approved regions everything is denied, inside nothing is; global services
and the exempt roles (break-glass, Control Tower execution) stay usable. In control_tower mode the
same is read from Control Tower's region deny control on each OU."""

import json
from collections.abc import Iterator
from typing import Any

from modules.core.policy_eval import FULL_AWS_ACCESS, Decision, Request, evaluate
from modules.core.types import KNOWN_REGIONS
from modules.organization.config import CONTROL_TOWER_EXECUTION_ROLE
from modules.organization.guardrails import role_arn_pattern
from modules.organization.scp import GLOBAL_SERVICE_ACTIONS
from modules.review.checks import CheckContext, Outcome, check

ANY_ROLE = "arn:aws:iam::444455556666:role/AnyAdministrator"


def _exempt_roles(ctx: CheckContext) -> list[str]:
    return [CONTROL_TOWER_EXECUTION_ROLE, *ctx.estate.organization.deployment.break_glass_role_names]


def _scp_aspects(ctx: CheckContext, documents: list[dict[str, Any]]) -> dict[str, list[str]]:
    """aspect -> what is wrong with it (empty: fine)."""

    def denied(action: str, region: str, principal: str = ANY_ROLE) -> bool:
        request = Request(action, principal_arn=principal, region=region)
        return evaluate([FULL_AWS_ACCESS, *documents], request) == Decision.DENY

    approved = ctx.estate.organization.approved_regions
    others = [region for region in KNOWN_REGIONS if region not in approved]
    elsewhere = others[0]
    globals_ = [action.replace("*", "List") for action in GLOBAL_SERVICE_ACTIONS]
    return {
        "approved-regions": [r for r in approved if denied("ec2:RunInstances", r)],
        "other-regions": [r for r in others if not denied("ec2:RunInstances", r)],
        "global-services": [a for a in globals_ if denied(a, elsewhere)],
        "exempt-roles": [
            role
            for role in _exempt_roles(ctx)
            if denied("ec2:RunInstances", elsewhere, role_arn_pattern(role))
        ],
    }


def _control_problems(ctx: CheckContext, parameters: dict[str, Any]) -> list[str]:
    problems = []
    if sorted(parameters.get("AllowedRegions", [])) != sorted(ctx.estate.organization.approved_regions):
        problems.append(f"AllowedRegions {parameters.get('AllowedRegions')} != approved_regions")
    exempt = parameters.get("ExemptedPrincipalArns", [])
    problems += [f"{role} not exempt" for role in _exempt_roles(ctx) if role_arn_pattern(role) not in exempt]
    return problems


def _controls(ctx: CheckContext) -> Iterator[Outcome]:
    stack = ctx.stacks.get("organization")
    controls = list(stack.configured("resource", "aws_controltower_control")) if stack else []
    control_id = ctx.estate.organization.landing_zone.control_tower.region_deny_control
    found = [(address, body) for address, body in controls if body["control_identifier"].endswith(control_id)]
    if not found:
        yield Outcome("organization", "aws_controltower_control", False, f"no {control_id} control")
    for address, body in found:
        parameters = {p["key"]: json.loads(p["value"]) for p in body.get("parameters", [])}
        problems = _control_problems(ctx, parameters)
        yield Outcome("organization", address, not problems, "; ".join(problems) or "matches config")


@check(
    "LZ_SCP_002",
    "Region deny matches the approved regions and keeps global services and exempt roles usable",
    scope="roles",
)
def region_deny_matches_approved_regions(ctx: CheckContext) -> Iterator[Outcome]:
    if ctx.estate.control_tower_mode:
        yield from _controls(ctx)
        return
    stack = ctx.stacks.get("organization")
    policies = stack.planned("aws_organizations_policy") if stack else []
    documents = [
        json.loads(p.values["content"])
        for p in policies
        if p.values.get("content")
        and p.values.get("type", "SERVICE_CONTROL_POLICY") == "SERVICE_CONTROL_POLICY"
    ]
    for aspect, wrong in _scp_aspects(ctx, documents).items():
        message = f"wrong for: {', '.join(wrong)}" if wrong else "as configured"
        yield Outcome("organization", f"region-deny/{aspect}", not wrong, message)
