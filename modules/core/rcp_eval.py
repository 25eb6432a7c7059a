"""Resource control policies (RCPs): their grammar, and their evaluation on the resource side.

An RCP caps what *any* principal may do to the resources of the accounts it reaches, the way an SCP
caps what the account's own principals may do. AWS evaluates them as one more layer: a request is
allowed only if the identity side (SCPs, identity policies) and the resource side (RCPs, resource
policy) both let it through. This module adds the RCP layer to `policy_eval`:

- `validate_rcp` enforces what AWS Organizations accepts in an RCP (and refuses the rest, so a
  broken document is a validation error, never a failed apply): `Principal` must be `"*"`, no
  `NotPrincipal`, no `NotAction`, `Allow` only in AWS's own `RCPFullAWSAccess`, and every action in
  a service that supports RCPs;
- `evaluate_rcps` judges a request against `RCP_FULL_AWS_ACCESS` plus the customer RCPs, with the same
  matching rules as `policy_eval` (explicit deny wins; `Principal: "*"` matches every caller);
- `denying_rcp` names the RCP statement that denies a request (the access matrix's explanation);
- `evaluate_with_rcps` combines an identity-side decision with the RCP layer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from modules.core.policy_eval import (
    Decision,
    Policy,
    PolicyError,
    Request,
    evaluate,
    matching_statements,
    validate_policy,
)

# The AWS managed RCP attached to every target once the policy type is enabled; it cannot be detached.
RCP_FULL_AWS_ACCESS: Policy = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "RCPFullAWSAccess", "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}
    ],
}
# Services whose resources RCPs govern (AWS Organizations user guide, "Supported AWS services").
RCP_SERVICES: tuple[str, ...] = (
    "aoss",
    "cognito-identity",
    "dynamodb",
    "ecr",
    "kms",
    "logs",
    "s3",
    "s3tables",
    "secretsmanager",
    "sqs",
    "sts",
)
# Elements an RCP statement may carry.
_ELEMENTS = frozenset({"Sid", "Effect", "Principal", "Action", "Resource", "NotResource", "Condition"})


def validate_rcp(policy: Policy) -> None:
    """Raise `PolicyError` unless `policy` is an RCP AWS Organizations accepts and we can evaluate."""
    if not isinstance(policy, Mapping) or policy.get("Version") != "2012-10-17":
        raise PolicyError('an RCP needs "Version": "2012-10-17" at the top level')
    statements = policy.get("Statement")
    for statement in statements if isinstance(statements, list) else [statements]:
        _check_rcp_statement(statement)
    validate_policy(_identity_view(policy))


def _check_rcp_statement(statement: Any) -> None:
    if not isinstance(statement, Mapping):
        raise PolicyError(f"statement {statement!r} is not an object (expected {{'Effect': ...}})")
    unknown = sorted(set(statement) - _ELEMENTS)
    if unknown:
        raise PolicyError(
            f"RCP statements do not support {', '.join(unknown)} "
            f"(expected only {', '.join(sorted(_ELEMENTS))})"
        )
    if statement.get("Effect") != "Deny":
        raise PolicyError(
            f"RCP statement Effect {statement.get('Effect')!r}: only AWS's RCPFullAWSAccess may Allow "
            "(expected 'Deny')"
        )
    if statement.get("Principal") != "*":
        raise PolicyError(
            f'RCP statement Principal {statement.get("Principal")!r} (expected "*"; narrow callers '
            "with conditions such as aws:PrincipalOrgID)"
        )
    actions = statement.get("Action")
    for action in actions if isinstance(actions, list) else [actions]:
        _check_action(action)


def _check_action(action: Any) -> None:
    if not isinstance(action, str) or ":" not in action:
        raise PolicyError(f"RCP action {action!r} is not service:Action (expected e.g. 's3:GetObject')")
    service = action.split(":", 1)[0].lower()
    if service not in RCP_SERVICES:
        raise PolicyError(
            f"RCP action '{action}': RCPs do not govern service '{service}' "
            f"(expected one of {', '.join(RCP_SERVICES)})"
        )


def _identity_view(policy: Policy) -> dict[str, Any]:
    """The document without `Principal`: every RCP statement applies to every caller."""
    statements = policy["Statement"] if isinstance(policy["Statement"], list) else [policy["Statement"]]
    return {
        "Version": policy["Version"],
        "Statement": [{k: v for k, v in s.items() if k != "Principal"} for s in statements],
    }


def evaluate_rcps(rcps: Iterable[Policy], request: Request) -> Decision:
    """The RCP layer's decision: ALLOW (passes through) or DENY; RCPFullAWSAccess is always present."""
    views = [_identity_view(RCP_FULL_AWS_ACCESS)]
    for rcp in rcps:
        validate_rcp(rcp)
        views.append(_identity_view(rcp))
    return evaluate(views, request)


def denying_rcp(rcps: Iterable[tuple[str, Policy]], request: Request) -> tuple[str, str] | None:
    """(RCP name, Sid) of the first RCP statement that denies `request`, or None when all let it by."""
    for name, rcp in rcps:
        for match in matching_statements([_identity_view(rcp)], request):
            if match.effect == "Deny":
                return name, match.sid
    return None


def evaluate_with_rcps(identity_side: Decision, rcps: Sequence[Policy], request: Request) -> Decision:
    """A request passes only if the identity side allows it and no RCP denies it."""
    resource_side = evaluate_rcps(rcps, request)
    if Decision.DENY in (identity_side, resource_side):
        return Decision.DENY
    return identity_side
