"""The policy evaluator: IAM's evaluation rules, table-driven, and refusal of what it cannot judge."""

from __future__ import annotations

from typing import Any

import pytest

from modules.core.policy_eval import (
    FULL_AWS_ACCESS,
    Decision,
    PolicyError,
    Request,
    evaluate,
    matching_statements,
    validate_policy,
)

ALLOW, DENY, NOT_ALLOWED = Decision.ALLOW, Decision.DENY, Decision.NOT_ALLOWED


def policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(**fields: Any) -> dict[str, Any]:
    return {"Effect": "Allow", **fields}


def deny(**fields: Any) -> dict[str, Any]:
    return {"Effect": "Deny", **fields}


S3_READ = policy(allow(Action=["s3:Get*", "s3:List*"], Resource="arn:aws:s3:::logs/*"))


@pytest.mark.parametrize(
    ("request_", "expected"),
    [
        (Request("s3:GetObject", "arn:aws:s3:::logs/a.json"), ALLOW),
        (Request("S3:getobject", "arn:aws:s3:::logs/a.json"), ALLOW),  # actions ignore case
        (Request("s3:GetObject", "arn:aws:s3:::LOGS/a.json"), NOT_ALLOWED),  # resources do not
        (Request("s3:PutObject", "arn:aws:s3:::logs/a.json"), NOT_ALLOWED),
        (Request("s3:GetObject", "arn:aws:s3:::other/a.json"), NOT_ALLOWED),
        (Request("s3:ListBucket", "arn:aws:s3:::logs"), NOT_ALLOWED),  # bucket is not logs/*
    ],
)
def test_action_and_resource_wildcards(request_: Request, expected: Decision) -> None:
    assert evaluate([S3_READ], request_) == expected


def test_question_mark_matches_exactly_one_character() -> None:
    doc = policy(allow(Action="ec2:Describe?pcs", Resource="*"))
    assert evaluate([doc], Request("ec2:DescribeVpcs")) == ALLOW
    assert evaluate([doc], Request("ec2:DescribeVVpcs")) == NOT_ALLOWED


def test_explicit_deny_wins_over_any_allow() -> None:
    doc = policy(deny(Action="s3:DeleteObject", Resource="*"))
    assert evaluate([FULL_AWS_ACCESS, doc], Request("s3:DeleteObject", "arn:aws:s3:::b/k")) == DENY
    assert evaluate([FULL_AWS_ACCESS, doc], Request("s3:GetObject", "arn:aws:s3:::b/k")) == ALLOW


def test_not_action_and_not_resource_match_everything_else() -> None:
    doc = policy(deny(NotAction=["iam:*", "sts:*"], NotResource="arn:aws:s3:::safe/*"))
    assert evaluate([doc], Request("ec2:RunInstances", "*")) == DENY
    assert evaluate([doc], Request("iam:CreateRole", "*")) == NOT_ALLOWED
    assert evaluate([doc], Request("s3:PutObject", "arn:aws:s3:::safe/x")) == NOT_ALLOWED


def test_single_statement_object_is_accepted() -> None:
    doc = {"Version": "2012-10-17", "Statement": allow(Action="*", Resource="*")}
    assert evaluate([doc], Request("ec2:RunInstances")) == ALLOW


REGION_DENY = policy(
    deny(
        Sid="DenyRegions",
        NotAction="iam:*",
        Resource="*",
        Condition={
            "StringNotEquals": {"aws:RequestedRegion": ["ap-northeast-1", "ap-northeast-3"]},
            "ArnNotLike": {"aws:PrincipalARN": ["arn:aws:iam::*:role/BreakGlass*"]},
        },
    )
)


@pytest.mark.parametrize(
    ("action", "region", "principal", "expected"),
    [
        ("ec2:RunInstances", "us-east-1", "arn:aws:iam::444444444444:role/Dev", DENY),
        ("ec2:RunInstances", "ap-northeast-1", "arn:aws:iam::444444444444:role/Dev", ALLOW),
        ("ec2:RunInstances", "us-east-1", "arn:aws:iam::444444444444:role/BreakGlassAdmin", ALLOW),
        ("iam:CreateRole", "us-east-1", "arn:aws:iam::444444444444:role/Dev", ALLOW),
        # Condition key names ignore case; a missing key satisfies the negated operators.
        ("ec2:RunInstances", None, None, DENY),
    ],
)
def test_negated_conditions(
    action: str, region: str | None, principal: str | None, expected: Decision
) -> None:
    request = Request(action, region=region, principal_arn=principal)
    assert evaluate([FULL_AWS_ACCESS, REGION_DENY], request) == expected


def test_condition_keys_are_case_insensitive() -> None:
    request = Request("ec2:RunInstances", context={"AWS:requestedregion": "us-east-1"})
    assert evaluate([REGION_DENY], request) == DENY


def test_arn_like_matches_segment_by_segment() -> None:
    doc = policy(
        deny(Action="*", Resource="*", Condition={"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:root"}})
    )
    assert (
        evaluate([doc], Request("s3:ListAllMyBuckets", principal_arn="arn:aws:iam::444444444444:root"))
        == DENY
    )
    assert (
        evaluate([doc], Request("s3:ListAllMyBuckets", principal_arn="arn:aws:iam::4:role/root"))
        == NOT_ALLOWED
    )
    assert evaluate([doc], Request("s3:ListAllMyBuckets", principal_arn="not-an-arn")) == NOT_ALLOWED


@pytest.mark.parametrize(
    ("operator", "expected_value", "context", "holds"),
    [
        ("StringEquals", "prod", {"aws:ResourceTag/env": "prod"}, True),
        ("StringEquals", "prod", {"aws:ResourceTag/env": "Prod"}, False),
        ("StringEqualsIgnoreCase", "prod", {"aws:ResourceTag/env": "Prod"}, True),
        ("StringNotEqualsIgnoreCase", "prod", {"aws:ResourceTag/env": "Prod"}, False),
        ("StringLike", "pr*", {"aws:ResourceTag/env": "prod"}, True),
        ("StringNotLike", "pr*", {"aws:ResourceTag/env": "dev"}, True),
        ("StringEquals", "prod", {}, False),  # absent key: positive operators fail
        ("StringEqualsIfExists", "prod", {}, True),  # ... unless IfExists
        ("StringNotEquals", "prod", {}, True),  # negated operators hold for an absent key
        ("Bool", "true", {"aws:MultiFactorAuthPresent": True}, True),
        ("Bool", "true", {"aws:MultiFactorAuthPresent": "false"}, False),
        ("Null", "true", {}, True),
        ("Null", "false", {"aws:ResourceTag/env": "x"}, True),
        ("Null", "true", {"aws:ResourceTag/env": "x"}, False),
        ("NumericLessThan", "3600", {"aws:MultiFactorAuthAge": "60"}, True),
        ("NumericGreaterThanEquals", "3600", {"aws:MultiFactorAuthAge": "60"}, False),
        ("NumericEquals", "5", {"aws:MultiFactorAuthAge": "not-a-number"}, False),
        ("ArnEquals", "arn:aws:iam::1:role/a", {"aws:SourceArn": "arn:aws:iam::1:role/a"}, True),
        ("ArnNotEquals", "arn:aws:iam::1:role/a", {"aws:SourceArn": "arn:aws:iam::1:role/b"}, True),
    ],
)
def test_condition_operators(
    operator: str, expected_value: str, context: dict[str, Any], holds: bool
) -> None:
    key = next(iter(context), "aws:ResourceTag/env")
    doc = policy(allow(Action="*", Resource="*", Condition={operator: {key: expected_value}}))
    assert evaluate([doc], Request("ec2:RunInstances", context=context)) == (ALLOW if holds else NOT_ALLOWED)


@pytest.mark.parametrize(
    ("operator", "tags", "holds"),
    [
        ("ForAnyValue:StringEquals", ["env", "team"], True),
        ("ForAnyValue:StringEquals", ["cost"], False),
        ("ForAllValues:StringEquals", ["env", "team"], False),
        ("ForAllValues:StringEquals", ["env"], True),
        ("ForAllValues:StringEquals", None, True),  # vacuously true for an absent key
    ],
)
def test_set_operators(operator: str, tags: list[str] | None, holds: bool) -> None:
    doc = policy(allow(Action="*", Resource="*", Condition={operator: {"aws:TagKeys": ["env", "owner"]}}))
    context = {} if tags is None else {"aws:TagKeys": tags}
    assert evaluate([doc], Request("ec2:CreateTags", context=context)) == (ALLOW if holds else NOT_ALLOWED)


def test_matching_statements_names_the_deciding_sid() -> None:
    request = Request("ec2:RunInstances", region="us-east-1", principal_arn="arn:aws:iam::4:role/Dev")
    matches = matching_statements([FULL_AWS_ACCESS, REGION_DENY], request)
    assert [(m.policy_index, m.sid, m.effect) for m in matches] == [
        (0, "FullAWSAccess", "Allow"),
        (1, "DenyRegions", "Deny"),
    ]


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"Version": "2012-10-17"}, "'Statement'"),
        (policy({"Effect": "Maybe", "Action": "*", "Resource": "*"}), "Effect"),
        (policy(allow(Action="*", NotAction="s3:*", Resource="*")), "exactly one of Action or NotAction"),
        (policy(allow(Action="*")), "exactly one of Resource or NotResource"),
        (policy(allow(Action="*", Resource="*", Principal="*")), "Principal"),
        (policy(allow(Action="*", Resource="*", Condition={"StringSorta": {"k": "v"}})), "StringSorta"),
        (policy(allow(Action="*", Resource="*", Condition={"ForSome:StringEquals": {"k": "v"}})), "ForSome"),
        (policy(allow(Action="*", Resource="arn:aws:s3:::${aws:username}/*")), "policy variable"),
        (policy(allow(Action=[{"not": "a string"}], Resource="*")), "not a policy value"),
        (policy("not a statement"), "not an object"),
    ],
)
def test_unsupported_or_malformed_documents_are_refused(document: Any, message: str) -> None:
    with pytest.raises(PolicyError, match=message):
        validate_policy(document)
    with pytest.raises(PolicyError, match=message):
        evaluate([document], Request("s3:GetObject", "arn:aws:s3:::b/k", context={"k": "v"}))


def test_literal_and_wildcard_patterns_of_one_element_are_matched_alike() -> None:
    """Literal patterns are looked up, wildcard ones matched by one regex: the same decisions."""
    mixed = policy(
        allow(Action=["s3:GetObject", "ec2:Describe*", "iam:?etRole"], Resource=["arn:aws:s3:::a", "*"])
    )
    for action in ("s3:getobject", "EC2:DescribeVpcs", "iam:GetRole", "iam:SetRole"):
        assert evaluate([mixed], Request(action, "arn:aws:s3:::a")) == ALLOW, action
    for action in ("s3:GetObjectAcl", "ec2:RunInstances", "iam:GetRoles", "s3:Get"):
        assert evaluate([mixed], Request(action, "arn:aws:s3:::a")) == NOT_ALLOWED, action
    literal_only = policy(allow(Action="s3:GetObject", Resource="arn:aws:s3:::a"))
    assert evaluate([literal_only], Request("s3:GetObject", "arn:aws:s3:::A")) == NOT_ALLOWED  # case kept


def test_values_that_compare_equal_but_read_differently_are_different_patterns() -> None:
    """`true` and `1` are equal in Python, not in a policy: each keeps its own pattern."""
    as_bool = policy(allow(Action="s3:GetObject", Resource=[True]))
    as_int = policy(allow(Action="s3:GetObject", Resource=[1]))
    assert evaluate([as_bool], Request("s3:GetObject", "true")) == ALLOW
    assert evaluate([as_int], Request("s3:GetObject", "true")) == NOT_ALLOWED
    assert evaluate([as_int], Request("s3:GetObject", "1")) == ALLOW
