"""The RCPs (ORG-6): every template renders within AWS's limits, and each one's evaluation table holds.

A table row is one request as the resource side sees it: who calls (an organization principal, an
outsider, an AWS service on whose behalf), over TLS or not, on which resource. The tables use the
sample's real bucket and key names, so a renamed bucket is followed by the perimeter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from modules.config import Estate
from modules.core.policy_eval import Decision, PolicyError, Request, matching_statements
from modules.core.rcp_eval import RCP_FULL_AWS_ACCESS, evaluate_rcps, evaluate_with_rcps, validate_rcp
from modules.organization import rcp as r
from tests.support import load_variant

ALLOW, DENY = Decision.ALLOW, Decision.DENY
ORG = "o-a1b2c3d4e5"
OTHER_ORG = "o-zz9999zz99"
MEMBER = "arn:aws:iam::444444444444:role/AWSReservedSSO_InfraAdmins_0123456789abcdef"
OUTSIDER = "arn:aws:iam::999999999999:role/Attacker"
PARTNER_ACCOUNT = "777777777777"
PARTNER = f"arn:aws:iam::{PARTNER_ACCOUNT}:role/Reader"


@dataclass(frozen=True)
class Caller:
    """The request keys an RCP can see about who is calling."""

    principal_arn: str | None
    keys: dict[str, Any] = field(default_factory=dict)


IN_ORG = Caller(MEMBER, {"aws:PrincipalOrgID": ORG, "aws:PrincipalAccount": "444444444444"})
OUTSIDE = Caller(OUTSIDER, {"aws:PrincipalOrgID": OTHER_ORG, "aws:PrincipalAccount": "999999999999"})
NO_ORG = Caller(f"arn:aws:iam::{PARTNER_ACCOUNT}:root", {"aws:PrincipalAccount": PARTNER_ACCOUNT})
ANONYMOUS = Caller(None, {})
PARTNER_ROLE = Caller(PARTNER, {"aws:PrincipalAccount": PARTNER_ACCOUNT})
SERVICE_FOR_US = Caller(
    None,
    {"aws:PrincipalIsAWSService": True, "aws:SourceAccount": "111111111111", "aws:SourceOrgID": ORG},
)
SERVICE_FOR_OTHERS = Caller(
    None,
    {"aws:PrincipalIsAWSService": True, "aws:SourceAccount": "999999999999", "aws:SourceOrgID": OTHER_ORG},
)
SERVICE_OWN_BEHALF = Caller(None, {"aws:PrincipalIsAWSService": True})  # no source account: not confused

Case = tuple[str, str, Caller, bool, Decision]  # action, resource, caller, TLS, decision on the resource side


def request(action: str, resource: str, caller: Caller, tls: bool, **extra: Any) -> Request:
    context: dict[str, Any] = {**caller.keys, "aws:SecureTransport": tls, **extra}
    return Request(action, resource, principal_arn=caller.principal_arn, context=context)


def app_bucket(key: str = "") -> str:
    return f"arn:aws:s3:::acme-app-data{'/' + key if key else ''}"


SECRET = "arn:aws:secretsmanager:ap-northeast-1:444444444444:secret:db-AbCdEf"
QUEUE = "arn:aws:sqs:ap-northeast-1:444444444444:orders"
APP_KEY = "arn:aws:kms:ap-northeast-1:444444444444:key/1111aaaa-2222-bbbb-3333-cccc4444dddd"
ROLE = "arn:aws:iam::444444444444:role/Worker"


def data_perimeter_cases(_: Estate) -> list[Case]:
    cases: list[Case] = []
    for action, resource in [
        ("s3:GetObject", app_bucket("x")),
        ("s3:PutObject", app_bucket("x")),
        ("secretsmanager:GetSecretValue", SECRET),
        ("sqs:SendMessage", QUEUE),
        ("kms:Decrypt", APP_KEY),
        ("sts:AssumeRole", ROLE),
    ]:
        cases += [
            (action, resource, IN_ORG, True, ALLOW),
            (action, resource, OUTSIDE, True, DENY),
            (action, resource, NO_ORG, True, DENY),
            (action, resource, ANONYMOUS, True, DENY),
            (action, resource, SERVICE_FOR_US, True, ALLOW),
            (action, resource, SERVICE_OWN_BEHALF, True, ALLOW),
            (action, resource, SERVICE_FOR_OTHERS, True, DENY),  # confused deputy
        ]
    # Federation into the organization keeps working: Identity Center signs in with SAML.
    cases.append(("sts:AssumeRoleWithSAML", ROLE, ANONYMOUS, True, ALLOW))
    cases.append(("sts:AssumeRoleWithWebIdentity", ROLE, ANONYMOUS, True, ALLOW))
    # Services the RCP does not govern are untouched.
    cases.append(("ec2:DescribeInstances", "*", OUTSIDE, True, ALLOW))
    return cases


def secure_transport_cases(_: Estate) -> list[Case]:
    cases: list[Case] = []
    for action, resource in [
        ("s3:GetObject", app_bucket("x")),
        ("kms:Decrypt", APP_KEY),
        ("secretsmanager:GetSecretValue", SECRET),
        ("sqs:ReceiveMessage", QUEUE),
        ("sts:AssumeRole", ROLE),
    ]:
        cases += [(action, resource, IN_ORG, False, DENY), (action, resource, IN_ORG, True, ALLOW)]
    cases.append(("s3:GetObject", app_bucket("x"), SERVICE_FOR_US, False, DENY))
    cases.append(("ec2:DescribeInstances", "*", IN_ORG, False, ALLOW))
    return cases


def protect_log_archive_cases(estate: Estate) -> list[Case]:
    logs = f"arn:aws:s3:::{estate.log_bucket}"
    obj = f"{logs}/AWSLogs/444444444444/CloudTrail/x.json.gz"
    access = f"arn:aws:s3:::{estate.access_log_bucket}/2026-01-01-x"
    log_key = "arn:aws:kms:ap-northeast-1:222222222222:key/9999aaaa-2222-bbbb-3333-cccc4444dddd"
    cases: list[Case] = []
    for action, resource in [
        ("s3:GetObject", obj),
        ("s3:GetObjectVersion", obj),
        ("s3:DeleteObject", obj),
        ("s3:DeleteObjectVersion", obj),
        ("s3:GetObject", access),
        ("s3:DeleteBucket", logs),
        ("s3:PutBucketPolicy", logs),
        ("s3:PutBucketVersioning", logs),
        ("s3:PutReplicationConfiguration", logs),
    ]:
        cases += [
            (action, resource, OUTSIDE, True, DENY),
            (action, resource, SERVICE_OWN_BEHALF, True, DENY),  # no service reads logs for outsiders
            (action, resource, IN_ORG, True, ALLOW),  # the SCP and bucket policy decide inside
        ]
    # CloudTrail and Config deliver: writing and the ACL check stay open to services acting for us.
    cases.append(("s3:PutObject", obj, SERVICE_FOR_US, True, ALLOW))
    cases.append(("s3:GetBucketAcl", logs, SERVICE_FOR_US, True, ALLOW))
    for action in ("kms:Decrypt", "kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:PutKeyPolicy"):
        cases += [
            (action, log_key, OUTSIDE, True, DENY),
            (action, log_key, SERVICE_OWN_BEHALF, True, DENY),
            (action, log_key, IN_ORG, True, ALLOW),
        ]
    cases.append(("kms:GenerateDataKey", log_key, SERVICE_FOR_US, True, ALLOW))  # CloudTrail encrypts
    return cases


TABLES: dict[str, Callable[[Estate], list[Case]]] = {
    "data-perimeter": data_perimeter_cases,
    "secure-transport": secure_transport_cases,
    "protect-log-archive": protect_log_archive_cases,
}


def _key_aliases(estate: Estate, resource: str) -> dict[str, Any]:
    """A KMS request carries the key's aliases; the log key's is the log archive alias."""
    if ":kms:" not in resource:
        return {}
    alias = estate.log_key_alias if ":222222222222:" in resource else "alias/app"
    return {"kms:ResourceAliases": [alias]}


def _check(estate: Estate, document: dict[str, Any], cases: list[Case]) -> list[str]:
    wrong = []
    for action, resource, caller, tls, expected in cases:
        req = request(action, resource, caller, tls, **_key_aliases(estate, resource))
        actual = evaluate_rcps([document], req)
        if actual != expected:
            sids = [m.sid for m in matching_statements([document], req) if m.sid != "RCPFullAWSAccess"]
            wrong.append(
                f"{action} {resource} {caller} tls={tls}: {actual.value} (expected {expected.value}; {sids})"
            )
    return wrong


def test_every_template_has_an_evaluation_table() -> None:
    assert sorted(TABLES) == sorted(r.available_rcps())


@pytest.mark.parametrize("name", sorted(TABLES))
def test_evaluation_table(name: str, sample_estate: Estate) -> None:
    document = r.render_rcp(name, r.rcp_context(sample_estate, ORG)).document
    assert _check(sample_estate, document, TABLES[name](sample_estate)) == []


def test_exempt_tag_and_trusted_accounts_open_the_identity_perimeter_only(tmp_path: Any) -> None:
    def edit(files: dict[str, Any]) -> None:
        files["organization"]["resource_control_policies"] = {"trusted_account_ids": [PARTNER_ACCOUNT]}

    estate = load_variant(tmp_path / "env", edit)
    documents = [doc.document for doc in r.render_estate_rcps(estate, ORG).values()]
    read = ("s3:GetObject", app_bucket("x"))
    assert evaluate_rcps(documents, request(*read, PARTNER_ROLE, True)) == ALLOW
    assert evaluate_rcps(documents, request(*read, PARTNER_ROLE, False)) == DENY  # TLS still required
    assert evaluate_rcps(documents, request(*read, OUTSIDE, True)) == DENY
    tagged = {"aws:ResourceTag/dp:exclude:identity": "true"}
    assert evaluate_rcps(documents, request(*read, OUTSIDE, True, **tagged)) == ALLOW
    logs = f"arn:aws:s3:::{estate.log_bucket}/x"
    assert evaluate_rcps(documents, request("s3:GetObject", logs, PARTNER_ROLE, True, **tagged)) == DENY


def test_the_combined_rcps_leave_normal_work_alone(sample_estate: Estate) -> None:
    documents = [doc.document for doc in r.render_estate_rcps(sample_estate, ORG).values()]
    for action, resource in [
        ("s3:PutObject", app_bucket("x")),
        ("kms:Decrypt", APP_KEY),
        ("secretsmanager:GetSecretValue", SECRET),
        ("sts:AssumeRole", ROLE),
    ]:
        assert evaluate_rcps(documents, request(action, resource, IN_ORG, True)) == ALLOW, action
    # The identity side still decides for insiders: an RCP never grants.
    assert evaluate_with_rcps(
        Decision.NOT_ALLOWED, documents, request("s3:GetObject", app_bucket(), IN_ORG, True)
    ) == (Decision.NOT_ALLOWED)
    assert evaluate_with_rcps(ALLOW, documents, request("s3:GetObject", app_bucket(), OUTSIDE, True)) == DENY


def test_rendered_documents_fit_aws_limits_with_the_longest_org_id(sample_estate: Estate) -> None:
    for name, rendered in r.render_estate_rcps(sample_estate).items():
        assert (r.ORG_ID_STAND_IN in rendered.text) == (name != "secure-transport"), name
        assert rendered.size <= r.MAX_RCP_CHARS, name
        assert 0 < len(rendered.description) <= 512, name
        assert rendered.content("${TOKEN}").count("${TOKEN}") == rendered.text.count(r.ORG_ID_STAND_IN)


def test_readme_has_one_line_per_template() -> None:
    readme = (r.RCP_DIR / "README.md").read_text()
    for name in r.available_rcps():
        assert f"| `{name}` |" in readme, name


def test_every_member_account_is_inside_the_perimeter(sample_estate: Estate) -> None:
    from modules.organization.guardrails import account_ou

    for account in account_ou(sample_estate):
        assert {"data-perimeter", "secure-transport"} <= set(r.effective_rcps(sample_estate, account)), (
            account
        )


# --- the RCP grammar ----------------------------------------------------------------------------


def rcp(**statement: Any) -> dict[str, Any]:
    base = {"Sid": "A", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"}
    base.update(statement)
    return {"Version": "2012-10-17", "Statement": [{k: v for k, v in base.items() if v is not None}]}


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (rcp(Effect="Allow"), "only AWS's RCPFullAWSAccess may Allow"),
        (rcp(Principal={"AWS": "*"}), 'expected "*"'),
        (rcp(Principal=None), 'expected "*"'),
        (rcp(NotPrincipal={"AWS": "x"}), "do not support NotPrincipal"),
        (rcp(Action=None, NotAction="s3:*"), "do not support NotAction"),
        (rcp(Action="ec2:RunInstances"), "do not govern service 'ec2'"),
        (rcp(Action="*"), "is not service:Action"),
        ({"Statement": []}, "Version"),
        (rcp(Condition={"StringFancy": {"a": "b"}}), "unknown condition operator"),
    ],
)
def test_validate_rcp_refuses_what_aws_refuses(document: dict[str, Any], message: str) -> None:
    with pytest.raises(PolicyError, match=message):
        validate_rcp(document)


def test_rcp_full_aws_access_lets_everything_through() -> None:
    assert evaluate_rcps([], Request("s3:GetObject", app_bucket("x"))) == ALLOW
    assert RCP_FULL_AWS_ACCESS["Statement"][0]["Effect"] == "Allow"


def test_a_broken_template_is_an_error_naming_it(tmp_path: Any, sample_estate: Estate) -> None:
    (tmp_path / "bad.json.j2").write_text(
        '{#- description: x -#}\n{"Version": "2012-10-17", "Statement": [{"Sid": "A", "Effect": "Deny", '
        '"Principal": "*", "Action": "ec2:*", "Resource": "*"}]}'
    )
    with pytest.raises(r.RcpError, match=r"RCP 'bad' is not a valid RCP: .*ec2"):
        r.render_rcp("bad", r.rcp_context(sample_estate), tmp_path)
    with pytest.raises(r.RcpError, match="no RCP template 'missing'"):
        r.render_rcp("missing", r.rcp_context(sample_estate), tmp_path)
