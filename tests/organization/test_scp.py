"""Every SCP renders to a valid, small-enough document, and does what its README line says.

The evaluation tables use names from config (log bucket, deployment role, break-glass role), so a
renamed bucket or role is followed by the guardrail, never silently left unprotected.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from modules.config import Estate
from modules.core.policy_eval import FULL_AWS_ACCESS, Decision, Request, evaluate, matching_statements
from modules.core.types import KNOWN_REGIONS
from modules.organization import guardrails as g
from modules.organization.scp import (
    GLOBAL_SERVICE_ACTIONS,
    MAX_SCP_CHARS,
    SCP_DIR,
    ScpContext,
    ScpError,
    available_scps,
    render_scp,
)
from tests.support import Edit, load_variant

ALLOW, DENY = Decision.ALLOW, Decision.DENY
ACCOUNT = "444444444444"  # prod in the sample


def role(name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:role/{name}"


DEVELOPER = role("AWSReservedSSO_InfraAdmins_0123456789abcdef")
DEPLOYER = role("LandingZoneDeployer")
BREAK_GLASS = role("BreakGlassAdmin")
CT_EXECUTION = role("AWSControlTowerExecution")
ROOT = f"arn:aws:iam::{ACCOUNT}:root"


def one_region(files: dict[str, Any]) -> None:
    files["organization"]["approved_regions"] = ["ap-northeast-1"]


def every_region(files: dict[str, Any]) -> None:
    files["organization"]["approved_regions"] = list(KNOWN_REGIONS)


def many_exempt_roles(files: dict[str, Any]) -> None:
    roles = [f"aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_Exempt{i:02}_*" for i in range(40)]
    files["organization"]["guardrails"]["region_deny_exempt_roles"] = roles
    files["organization"]["guardrails"]["extra_global_actions"] = ["wellarchitected:*", "ses:GetAccount"]


def control_tower(files: dict[str, Any]) -> None:
    files["organization"]["landing_zone"]["mode"] = "control_tower"


EDGES: dict[str, Edit] = {
    "one-region": one_region,
    "every-region": every_region,
    "many-exempt-roles": many_exempt_roles,
    "control-tower": control_tower,
}


@pytest.fixture(scope="module")
def edge_estates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Estate]:
    return {name: load_variant(tmp_path_factory.mktemp(name) / "env", edit) for name, edit in EDGES.items()}


def estates(sample: Estate, edges: dict[str, Estate]) -> dict[str, Estate]:
    return {"sample": sample, **edges}


def test_every_template_renders_within_limits(sample_estate: Estate, edge_estates: dict[str, Estate]) -> None:
    for label, estate in estates(sample_estate, edge_estates).items():
        context = g.scp_context(estate)
        for name in available_scps():
            scp = render_scp(name, context)  # raises on invalid JSON, placeholders, duplicate Sids
            assert scp.size <= MAX_SCP_CHARS, (label, name, scp.size)
            assert len(set(scp.sids)) == len(scp.sids), (label, name)
            assert 0 < len(scp.description) <= 512, (label, name)  # AWS's description limit


def test_sids_are_unique_across_all_guardrails(sample_estate: Estate) -> None:
    context = g.scp_context(sample_estate)
    sids = [sid for name in available_scps() for sid in render_scp(name, context).sids]
    assert len(sids) == len(set(sids))


def test_the_sample_attaches_every_template(sample_estate: Estate) -> None:
    assert g.scp_names(sample_estate) == list(available_scps())


def test_readme_has_one_line_per_template() -> None:
    readme = (SCP_DIR / "README.md").read_text()
    for name in available_scps():
        assert f"| `{name}` |" in readme, name


def test_edge_configs_fill_the_templates(edge_estates: dict[str, Estate]) -> None:
    region_deny = {
        label: g.render_estate_scps(estate)["region-deny"].document
        for label, estate in edge_estates.items()
        if "region-deny" in g.scp_names(estate)
    }
    assert "control-tower" not in region_deny  # Control Tower's control stands in for it
    condition = region_deny["one-region"]["Statement"][0]["Condition"]
    assert condition["StringNotEquals"]["aws:RequestedRegion"] == ["ap-northeast-1"]
    condition = region_deny["every-region"]["Statement"][0]["Condition"]
    assert condition["StringNotEquals"]["aws:RequestedRegion"] == list(KNOWN_REGIONS)
    statement = region_deny["many-exempt-roles"]["Statement"][0]
    assert len(statement["Condition"]["ArnNotLike"]["aws:PrincipalARN"]) == 41  # 40 + break-glass
    assert statement["NotAction"][-1] == "ses:GetAccount"
    assert statement["NotAction"].count("wellarchitected:*") == 1  # already global: not repeated


# --- evaluation tables ------------------------------------------------------------------------

Case = tuple[str, str, str | None, str, Decision]  # action, resource, region, principal, decision


def log_protection_cases(estate: Estate) -> list[Case]:
    logs, access_logs = estate.log_bucket, estate.access_log_bucket
    obj = f"arn:aws:s3:::{logs}/AWSLogs/{ACCOUNT}/CloudTrail/x.json.gz"
    bucket = f"arn:aws:s3:::{logs}"
    cases: list[Case] = [
        ("s3:DeleteObject", obj, "ap-northeast-1", DEVELOPER, DENY),
        ("s3:DeleteObject", obj, "ap-northeast-1", DEPLOYER, DENY),  # nobody deletes log objects
        ("s3:DeleteObjectVersion", obj, "ap-northeast-1", BREAK_GLASS, DENY),
        ("s3:PutObject", obj, "ap-northeast-1", DEPLOYER, DENY),  # no overwrite either
        ("s3:BypassGovernanceRetention", obj, "ap-northeast-1", DEVELOPER, DENY),
        ("s3:DeleteObject", f"arn:aws:s3:::{access_logs}/2025-01-01-x", "ap-northeast-1", DEVELOPER, DENY),
        ("s3:GetObject", obj, "ap-northeast-1", DEVELOPER, ALLOW),  # reading logs stays possible
        ("s3:DeleteObject", "arn:aws:s3:::acme-app-data/x", "ap-northeast-1", DEVELOPER, ALLOW),
    ]
    weakening = [
        "s3:PutBucketPolicy",
        "s3:DeleteBucketPolicy",
        "s3:PutLifecycleConfiguration",
        "s3:PutBucketObjectLockConfiguration",
        "s3:PutBucketVersioning",
        "s3:PutBucketPublicAccessBlock",
        "s3:PutEncryptionConfiguration",
        "s3:DeleteBucket",
    ]
    for action in weakening:
        cases.append((action, bucket, "ap-northeast-1", DEVELOPER, DENY))
        cases.append((action, bucket, "ap-northeast-1", BREAK_GLASS, DENY))
        cases.append((action, bucket, "ap-northeast-1", DEPLOYER, ALLOW))  # the baseline deploys it
    return cases


def region_deny_cases(_: Estate) -> list[Case]:
    cases: list[Case] = [
        ("ec2:RunInstances", "*", "us-east-1", DEVELOPER, DENY),
        ("ec2:RunInstances", "*", "eu-west-1", DEPLOYER, DENY),  # the deployer is not exempt
        ("ec2:RunInstances", "*", "ap-northeast-1", DEVELOPER, ALLOW),
        ("ec2:RunInstances", "*", "ap-northeast-3", DEVELOPER, ALLOW),
        ("ec2:RunInstances", "*", "us-east-1", CT_EXECUTION, ALLOW),
        ("ec2:RunInstances", "*", "us-east-1", BREAK_GLASS, ALLOW),
        ("s3:CreateBucket", "*", "us-west-2", DEVELOPER, DENY),
    ]
    global_calls = [
        "iam:CreateRole",
        "organizations:DescribeOrganization",
        "sts:AssumeRole",
        "cloudfront:CreateDistribution",
        "route53:ChangeResourceRecordSets",
        "support:CreateCase",
        "budgets:ViewBudget",
        "ce:GetCostAndUsage",
        "acm:RequestCertificate",
    ]
    cases += [(action, "*", "us-east-1", DEVELOPER, ALLOW) for action in global_calls]
    return cases


def deny_root_user_cases(_: Estate) -> list[Case]:
    return [
        ("ec2:RunInstances", "*", "ap-northeast-1", ROOT, DENY),
        ("iam:CreateAccessKey", "*", "us-east-1", ROOT, DENY),
        ("ec2:RunInstances", "*", "ap-northeast-1", DEVELOPER, ALLOW),
    ]


def protect_security_services_cases(_: Estate) -> list[Case]:
    protected = [
        "cloudtrail:StopLogging",
        "cloudtrail:DeleteTrail",
        "cloudtrail:UpdateTrail",
        "config:StopConfigurationRecorder",
        "config:DeleteDeliveryChannel",
        "guardduty:DeleteDetector",
        "guardduty:DisassociateFromAdministratorAccount",
        "guardduty:CreateFilter",
        "securityhub:DisableSecurityHub",
        "securityhub:BatchDisableStandards",
        "access-analyzer:DeleteAnalyzer",
        "access-analyzer:CreateArchiveRule",
    ]
    cases: list[Case] = []
    for action in protected:
        cases.append((action, "*", "ap-northeast-1", DEVELOPER, DENY))
        cases.append((action, "*", "ap-northeast-1", BREAK_GLASS, DENY))
        cases.append((action, "*", "ap-northeast-1", DEPLOYER, ALLOW))
    cases += [
        ("cloudtrail:LookupEvents", "*", "ap-northeast-1", DEVELOPER, ALLOW),
        ("guardduty:GetFindings", "*", "ap-northeast-1", DEVELOPER, ALLOW),
        ("securityhub:GetFindings", "*", "ap-northeast-1", DEVELOPER, ALLOW),
    ]
    return cases


def deny_leave_organization_cases(_: Estate) -> list[Case]:
    return [
        ("organizations:LeaveOrganization", "*", "us-east-1", DEPLOYER, DENY),
        ("organizations:LeaveOrganization", "*", "us-east-1", BREAK_GLASS, DENY),
        ("organizations:DescribeOrganization", "*", "us-east-1", DEVELOPER, ALLOW),
    ]


def deny_iam_access_keys_cases(_: Estate) -> list[Case]:
    return [
        ("iam:CreateAccessKey", "*", "us-east-1", DEPLOYER, DENY),
        ("iam:CreateRole", "*", "us-east-1", DEPLOYER, ALLOW),
        ("iam:DeleteAccessKey", "*", "us-east-1", DEVELOPER, ALLOW),  # cleaning up stays possible
    ]


TABLES: dict[str, Callable[[Estate], list[Case]]] = {
    "log-protection": log_protection_cases,
    "region-deny": region_deny_cases,
    "deny-root-user": deny_root_user_cases,
    "protect-security-services": protect_security_services_cases,
    "deny-leave-organization": deny_leave_organization_cases,
    "deny-iam-access-keys": deny_iam_access_keys_cases,
}


def test_every_template_has_an_evaluation_table() -> None:
    assert sorted(TABLES) == sorted(available_scps())


def _check(document: dict[str, Any], cases: list[Case]) -> list[str]:
    wrong = []
    for action, resource, region, principal, expected in cases:
        request = Request(action, resource, principal_arn=principal, region=region)
        actual = evaluate([FULL_AWS_ACCESS, document], request)
        if actual != expected:
            sids = [m.sid for m in matching_statements([document], request)]
            call = f"{action} {resource} {region} {principal}"
            wrong.append(f"{call}: {actual.value} (expected {expected.value}; matched {sids})")
    return wrong


@pytest.mark.parametrize("name", sorted(TABLES))
def test_evaluation_table(name: str, sample_estate: Estate) -> None:
    scp = render_scp(name, g.scp_context(sample_estate))
    assert _check(scp.document, TABLES[name](sample_estate)) == []


def test_control_tower_log_buckets_are_protected_too(edge_estates: dict[str, Estate]) -> None:
    estate = edge_estates["control-tower"]
    scp = render_scp("log-protection", g.scp_context(estate))
    ct_logs = "aws-controltower-logs-222222222222-ap-northeast-1"  # the sample's log-archive account
    cases: list[Case] = [
        ("s3:DeleteObject", f"arn:aws:s3:::{ct_logs}/o/AWSLogs/x", "ap-northeast-1", DEVELOPER, DENY),
        ("s3:PutBucketPolicy", f"arn:aws:s3:::{ct_logs}", "ap-northeast-1", DEVELOPER, DENY),
        ("s3:PutBucketPolicy", f"arn:aws:s3:::{ct_logs}", "ap-northeast-1", CT_EXECUTION, ALLOW),
        ("s3:DeleteObject", f"arn:aws:s3:::{estate.log_bucket}/x", "ap-northeast-1", CT_EXECUTION, DENY),
    ]
    assert _check(scp.document, cases) == []


def test_the_combined_guardrails_leave_normal_work_alone(sample_estate: Estate) -> None:
    """Everything reaching the prod account, evaluated together: day-to-day calls still pass."""
    reaching = g.effective_guardrails(sample_estate)["prod"]
    rendered = g.render_estate_scps(sample_estate)
    documents = [FULL_AWS_ACCESS, *(rendered[name].document for name in sorted(reaching))]
    for action, resource in [
        ("ec2:RunInstances", "*"),
        ("s3:PutObject", "arn:aws:s3:::acme-billing-data/x"),
        ("iam:CreateRole", "*"),
        ("guardduty:GetFindings", "*"),
    ]:
        request = Request(action, resource, principal_arn=DEVELOPER, region="ap-northeast-1")
        assert evaluate(documents, request) == ALLOW, action
    blocked = Request("ec2:RunInstances", principal_arn=DEVELOPER, region="us-east-1")
    assert evaluate(documents, blocked) == DENY


def test_global_exemptions_cover_the_services_scp2_names() -> None:
    for service in ("iam", "organizations", "sts", "cloudfront", "route53", "support", "budgets", "ce"):
        assert f"{service}:*" in GLOBAL_SERVICE_ACTIONS


# --- renderer failures ------------------------------------------------------------------------

CONTEXT = ScpContext(("ap-northeast-1",), ("iam:*",), ("arn:aws:iam::*:role/X",), ("b",), ("r",), ("r",))
GOOD_HEADER = "{#- description: test -#}\n"


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ('{"Version": "2012-10-17", "Statement": []}', "must start with"),
        (GOOD_HEADER + '{"Version": "2012-10-17", "Statement": [}', "not valid JSON"),
        (GOOD_HEADER + '{"Version": "2012-10-17", "Statement": {{ nope | tojson }}}', "does not render"),
        (
            GOOD_HEADER + '{"Statement": [{"Sid": "A", "Effect": "Deny", "Action": "*", "Resource": "*"}]}',
            "Version",
        ),
        (
            GOOD_HEADER
            + '{"Version": "2012-10-17", "Statement": [{"Sid": "A", "Effect": "Deny", "Action": "*", '
            '"Resource": "arn:aws:s3:::<BUCKET>"}]}',
            "placeholder '<BUCKET>'",
        ),
        (
            GOOD_HEADER
            + '{"Version": "2012-10-17", "Statement": [{"Sid": "A", "Effect": "Deny", "Action": "*", '
            '"Resource": "*"}, {"Sid": "A", "Effect": "Deny", "Action": "s3:*", "Resource": "*"}]}',
            "duplicate Sid A",
        ),
        (
            GOOD_HEADER
            + '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}',
            "alphanumeric Sid",
        ),
        (
            GOOD_HEADER
            + '{"Version": "2012-10-17", "Statement": [{"Sid": "A", "Effect": "Deny", "Action": "*", '
            '"Resource": "*", "Condition": {"StringKindOf": {"k": "v"}}}]}',
            "StringKindOf",
        ),
    ],
)
def test_broken_templates_are_refused_by_name(tmp_path: Path, template: str, message: str) -> None:
    (tmp_path / "broken.json.j2").write_text(template)
    with pytest.raises(ScpError, match="'broken'") as error:
        render_scp("broken", CONTEXT, directory=tmp_path)
    assert message in str(error.value)


def test_unknown_template_lists_the_known_ones(tmp_path: Path) -> None:
    (tmp_path / "deny-all.json.j2").write_text(GOOD_HEADER + "{}")
    with pytest.raises(ScpError, match=r"no SCP template 'deny-none'.*known: deny-all"):
        render_scp("deny-none", CONTEXT, directory=tmp_path)
