"""What the AWS managed policies of `policies/permission_sets/managed-policies.yaml` grant, roughly.

The real documents are not available offline (some run to thousands of actions). For policy
evaluation they are modelled by a small, documented approximation that errs on the side of
granting MORE than AWS does: a permission set's denies are proven against the broad model, so
separation of duties never depends on what a managed policy happens to leave out.
"""

from __future__ import annotations

from typing import Any

from modules.core.policy_eval import Policy

_READ = ["*:Describe*", "*:Get*", "*:List*", "*:BatchGet*", "*:Search*", "*:Lookup*", "*:View*"]


def _allow(sid: str, actions: list[str], *, not_action: bool = False) -> dict[str, Any]:
    key = "NotAction" if not_action else "Action"
    return {"Sid": sid, "Effect": "Allow", key: actions, "Resource": "*"}


def _document(*statements: dict[str, Any]) -> Policy:
    return {"Version": "2012-10-17", "Statement": list(statements)}


APPROXIMATIONS: dict[str, Policy] = {
    # Exact: Allow * on *.
    "AdministratorAccess": _document(_allow("Everything", ["*"])),
    # Exact in shape: everything but IAM, Organizations and Account, plus the few IAM/Organizations
    # calls AWS adds back (service-linked roles, reading roles and the organization).
    "PowerUserAccess": _document(
        _allow("AllButIdentity", ["iam:*", "organizations:*", "account:*"], not_action=True),
        _allow(
            "IdentityExceptions",
            [
                "iam:CreateServiceLinkedRole",
                "iam:DeleteServiceLinkedRole",
                "iam:ListRoles",
                "organizations:DescribeOrganization",
                "account:GetAccountInformation",
                "account:ListRegions",
            ],
        ),
    ),
    # Approximation: every read action of every service (AWS's list is a subset of this).
    "ReadOnlyAccess": _document(_allow("ReadEverything", _READ)),
    "SecurityAudit": _document(_allow("ReadEverything", _READ)),
    "job-function/ViewOnlyAccess": _document(_allow("ViewMetadata", ["*:Describe*", "*:List*"])),
    "IAMReadOnlyAccess": _document(
        _allow("ReadIam", ["iam:Get*", "iam:List*", "iam:Generate*", "iam:Simulate*"])
    ),
    # Exact in scope: all of IAM plus reading the organization.
    "IAMFullAccess": _document(
        _allow("Iam", ["iam:*"]),
        _allow("ReadOrganization", ["organizations:Describe*", "organizations:List*"]),
    ),
}


def approximation(path: str) -> Policy:
    """The evaluation model of one managed policy; unknown ones fail loudly instead of granting nothing."""
    try:
        return APPROXIMATIONS[path]
    except KeyError:
        known = ", ".join(sorted(APPROXIMATIONS))
        raise KeyError(
            f"no evaluation model for managed policy '{path}' (known: {known}); add one to {__name__}"
        ) from None


def evaluation_policies(managed_policies: tuple[str, ...], inline_policy: Policy | None) -> list[Policy]:
    """What a permission set's session is evaluated against: managed models plus the inline policy."""
    policies = [approximation(path) for path in managed_policies]
    return [*policies, inline_policy] if inline_policy is not None else policies
