"""Identity Center and the IAM baseline as synthesized and planned for the sample (IAM-2..5, IAM-8)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from modules.iam_baseline.baseline import PASSWORD_POLICY
from modules.identity_center.permission_sets import MAX_INLINE_POLICY_CHARS
from tests.support import planned_resources, resources

pytestmark = pytest.mark.synth

STACKS = ["organization", "log-archive", "security", "prod", "stg", "dev"]
PERMISSION_SETS = {
    "Administrators",
    "InfraAdmins",
    "SecurityAdmins",
    "IAMAdmins",
    "Operators",
    *(f"{app}Apps-{stage}" for app in ("Billing", "Catalog") for stage in ("Prod", "Stg", "Dev")),
}


def test_one_permission_set_per_job_role_and_application_stage(sample_stacks: dict[str, Any]) -> None:
    permission_sets = resources(sample_stacks["organization"], "aws_ssoadmin_permission_set")
    assert set(permission_sets) == PERMISSION_SETS  # addresses are the names: stable and readable
    assert {body["name"] for body in permission_sets.values()} == PERMISSION_SETS
    administrators = permission_sets["Administrators"]
    assert administrators["session_duration"] == "PT1H"
    assert administrators["tags"]["lz:break-glass"] == "true"
    assert permission_sets["BillingApps-Prod"]["tags"]["lz:application"] == "Billing"
    for name in STACKS[1:]:
        assert not resources(sample_stacks[name], "aws_ssoadmin_permission_set"), name


def test_policies_are_attached(sample_stacks: dict[str, Any]) -> None:
    organization = sample_stacks["organization"]
    managed = resources(organization, "aws_ssoadmin_managed_policy_attachment")
    assert managed["Administrators_AdministratorAccess"]["managed_policy_arn"] == (
        "arn:aws:iam::aws:policy/AdministratorAccess"
    )
    assert managed["BillingApps-Dev_ViewOnlyAccess"]["managed_policy_arn"].endswith(
        "job-function/ViewOnlyAccess"
    )
    inline = resources(organization, "aws_ssoadmin_permission_set_inline_policy")
    assert set(inline) == PERMISSION_SETS - {"Administrators"}
    for body in inline.values():
        assert len(body["inline_policy"]) <= MAX_INLINE_POLICY_CHARS
        assert json.loads(body["inline_policy"])["Version"] == "2012-10-17"


def test_assignments_per_environment(sample_stacks: dict[str, Any]) -> None:
    assignments = resources(sample_stacks["organization"], "aws_ssoadmin_account_assignment")
    assert len(assignments) == 31
    operators = assignments["prod_operators_Operators"]
    assert operators["target_id"] == "444444444444"
    assert operators["principal_type"] == "GROUP"
    assert operators["principal_id"] == "4e5f6a7b-8c9d-4e0f-1a2b-3c4d5e6f7a8b"
    assert operators["permission_set_arn"] == "${aws_ssoadmin_permission_set.Operators.arn}"
    # The assignment provisions the role only after its policies are attached.
    assert "aws_ssoadmin_permission_set_inline_policy.Operators" in operators["depends_on"]
    assert assignments["dev_billing-developers_BillingApps-Dev"]["target_id"] == "666666666666"
    assert assignments["audit_security-admins_SecurityAdmins"]["target_id"] == "333333333333"
    assert "prod_billing-developers_Operators" not in assignments


@pytest.mark.parametrize("stack", STACKS)
def test_iam_baseline_in_every_account(stack: str, sample_stacks: dict[str, Any]) -> None:
    synthesized = sample_stacks[stack]
    (password_policy,) = resources(synthesized, "aws_iam_account_password_policy").values()
    assert {key: password_policy[key] for key in PASSWORD_POLICY} == PASSWORD_POLICY
    mfa = resources(synthesized, "aws_iam_policy")["iam_baseline_require_mfa"]
    deny = json.loads(mfa["policy"])["Statement"][-1]
    assert deny["Effect"] == "Deny"
    assert deny["Condition"] == {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}
    analyzers = resources(synthesized, "aws_accessanalyzer_analyzer")
    assert set(analyzers) == {"access_analyzer_ap-northeast-1", "access_analyzer_ap-northeast-3"}
    expected = "ORGANIZATION" if stack == "security" else "ACCOUNT"
    assert {analyzer["type"] for analyzer in analyzers.values()} == {expected}


def plan_of(sample_plans: dict[str, Any], stack: str) -> dict[str, Any]:
    plan = sample_plans[stack]
    assert plan.ok, plan.error
    document: dict[str, Any] = json.loads(plan.plan_json.read_text())
    return document


@pytest.mark.terraform
def test_plan_contains_identity_and_baseline(sample_plans: dict[str, Any]) -> None:
    organization = plan_of(sample_plans, "organization")
    planned = planned_resources(organization, "aws_ssoadmin_permission_set")
    assert {resource["values"]["name"] for resource in planned} == PERMISSION_SETS
    assert len(planned_resources(organization, "aws_ssoadmin_account_assignment")) == 31
    for name in STACKS:
        plan = plan_of(sample_plans, name)
        (policy,) = planned_resources(plan, "aws_iam_account_password_policy")
        assert {key: policy["values"][key] for key in PASSWORD_POLICY} == PASSWORD_POLICY
        (mfa,) = [
            r for r in planned_resources(plan, "aws_iam_policy") if r["name"] == "iam_baseline_require_mfa"
        ]
        assert "arn:aws:iam::*:user/${aws:username}" in mfa["values"]["policy"]  # escaped for Terraform only
        assert len(planned_resources(plan, "aws_accessanalyzer_analyzer")) == 2


@pytest.mark.terraform
def test_identity_review_checks_pass_on_the_sample(
    sample_estate: Any, sample_stacks: dict[str, Any], sample_plans: dict[str, Any]
) -> None:
    from modules.review.checks import CheckContext, load_checks
    from modules.review.model import StackView
    from tests.support import ROOT

    views = {name: StackView(name, sample_stacks[name], plan_of(sample_plans, name)) for name in STACKS}
    checks = [c for c in load_checks(ROOT / "policies" / "checks") if c.id.startswith("LZ_IAM_")]
    assert {c.id for c in checks} >= {"LZ_IAM_001", "LZ_IAM_002", "LZ_IAM_003", "LZ_IAM_004"}
    results = [result for c in checks for result in c.run(CheckContext(sample_estate, views))]
    assert [f"{r.check_id} {r.key}: {r.message}" for r in results if not r.passed] == []
    # Every restricted permission set, every account's password policy, every assignment of
    # Administrators and both regions' analyzers were looked at.
    assert sum(r.check_id == "LZ_IAM_001" for r in results) == 10
    assert sum(r.check_id == "LZ_IAM_002" for r in results) == len(STACKS)
    assert sum(r.check_id == "LZ_IAM_003" for r in results) == 6
    assert sum(r.check_id == "LZ_IAM_004" for r in results) == 2 * len(STACKS)
