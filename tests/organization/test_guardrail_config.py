"""Guardrail settings that AWS would reject at apply time fail `lz validate`, naming the target."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from modules.config import load_estate
from modules.core.errors import ConfigError
from tests.support import Edit, write_variant


def guardrails(files: dict[str, Any]) -> dict[str, Any]:
    return files["organization"].setdefault("guardrails", {})


def attachments(files: dict[str, Any]) -> dict[str, Any]:
    return guardrails(files).setdefault("attachments", {})


def ct_mode(files: dict[str, Any]) -> None:
    files["organization"]["landing_zone"]["mode"] = "control_tower"


def six_at_root(files: dict[str, Any]) -> None:
    attachments(files)["root"].append("deny-iam-access-keys")
    attachments(files)["top_level_ous"] = ["region-deny"]


def five_on_an_ou(files: dict[str, Any]) -> None:
    attachments(files)["ous"] = {
        "Workloads": ["deny-leave-organization", "deny-root-user", "log-protection"],
    }


def huge_region_deny(files: dict[str, Any]) -> None:
    guardrails(files)["region_deny_exempt_roles"] = [
        f"aws-reserved/sso.amazonaws.com/ap-northeast-1/AWSReservedSSO_ExemptOperators{i:03}_*"
        for i in range(70)
    ]


def unknown_ou(files: dict[str, Any]) -> None:
    attachments(files)["ous"] = {"Workloads/Prd": ["deny-root-user"]}


def unknown_scp(files: dict[str, Any]) -> None:
    attachments(files)["root"][0] = "deny-leave-organisation"


def management_target(files: dict[str, Any]) -> None:
    attachments(files)["accounts"] = {"management": ["deny-root-user"]}


def unknown_account(files: dict[str, Any]) -> None:
    attachments(files)["accounts"] = {"qa": ["deny-root-user"]}


def access_keys_switched_off(files: dict[str, Any]) -> None:
    guardrails(files)["deny_iam_user_access_keys"] = False


def region_deny_missing(files: dict[str, Any]) -> None:
    attachments(files)["top_level_ous"] = ["deny-iam-access-keys"]


def region_deny_only_on_prod(files: dict[str, Any]) -> None:
    attachments(files)["top_level_ous"] = ["deny-iam-access-keys"]
    attachments(files)["ous"] = {"Security": ["region-deny"], "Workloads/Prod": ["region-deny"]}


def undeclared_security_ou(files: dict[str, Any]) -> None:
    files["organization"]["landing_zone"]["security_ou"] = "Core"


def ct_region_deny_at_root(files: dict[str, Any]) -> None:
    ct_mode(files)
    attachments(files)["root"] = ["deny-leave-organization", "region-deny"]


def ct_security_ou_target(files: dict[str, Any]) -> None:
    ct_mode(files)
    attachments(files)["ous"] = {"Security": ["deny-root-user"]}


def ct_without_audit_id(files: dict[str, Any]) -> None:
    ct_mode(files)
    del files["organization"]["accounts"]["audit"]["id"]


def ct_nested_security_ou(files: dict[str, Any]) -> None:
    ct_mode(files)
    files["organization"]["organizational_units"][0]["children"] = [{"name": "Forensics"}]


def bare_wildcard_exemption(files: dict[str, Any]) -> None:
    guardrails(files)["region_deny_exempt_roles"] = ["*"]


def bad_action(files: dict[str, Any]) -> None:
    guardrails(files)["extra_global_actions"] = ["ec2"]


def bad_scp_name(files: dict[str, Any]) -> None:
    attachments(files)["root"] = ["Region_Deny"]


def duplicate_scp(files: dict[str, Any]) -> None:
    attachments(files)["root"] = ["deny-root-user", "deny-root-user"]


# (edit, field, message fragment)
CASES: dict[str, tuple[Edit, str, str]] = {
    "six-at-root": (
        six_at_root,
        "guardrails.attachments.root",
        "Root would carry 6 SCPs incl. FullAWSAccess",
    ),
    "five-plus-top-level": (
        five_on_an_ou,
        "guardrails.attachments.ous.Workloads",
        "OU 'Workloads' would carry 6 SCPs",
    ),
    "huge-region-deny": (
        huge_region_deny,
        "guardrails.region_deny_exempt_roles",
        "SCP 'region-deny' renders to",
    ),
    "unknown-ou": (unknown_ou, "guardrails.attachments.ous.Workloads/Prd", "did you mean 'Workloads/Prod'?"),
    "unknown-scp": (
        unknown_scp,
        "guardrails.attachments.root[0]",
        "'deny-leave-organisation' is not a declared SCP template in policies/scp/ (did you mean "
        "'deny-leave-organization'?",
    ),
    "management-target": (
        management_target,
        "guardrails.attachments.accounts.management",
        "SCPs never apply to the management account",
    ),
    "unknown-account": (
        unknown_account,
        "guardrails.attachments.accounts.qa",
        "not a declared member account",
    ),
    "access-keys-off": (
        access_keys_switched_off,
        "guardrails.attachments.top_level_ous",
        "switched off by guardrails.deny_iam_user_access_keys",
    ),
    "region-deny-missing": (
        region_deny_missing,
        "guardrails.attachments",
        "account 'prod' (OU Workloads/Prod) is not covered by 'region-deny' (SCP-2)",
    ),
    "region-deny-only-on-prod": (
        region_deny_only_on_prod,
        "guardrails.attachments",
        "account 'dev' (OU Workloads/NonProd) is not covered by 'region-deny'",
    ),
    "undeclared-security-ou": (
        undeclared_security_ou,
        "landing_zone.security_ou",
        "'Core' is not a declared top-level OU",
    ),
    "ct-region-deny-at-root": (
        ct_region_deny_at_root,
        "guardrails.attachments.root[1]",
        "controls attach to OUs only",
    ),
    "ct-security-ou-target": (
        ct_security_ou_target,
        "guardrails.attachments.ous.Security",
        "created and governed by Control Tower",
    ),
    "ct-without-audit-id": (
        ct_without_audit_id,
        "accounts.audit.id",
        "Control Tower needs the log-archive and audit",
    ),
    "ct-nested-security-ou": (
        ct_nested_security_ou,
        "organizational_units",
        "expected no child OUs under it",
    ),
    "bare-wildcard": (
        bare_wildcard_exemption,
        "guardrails.region_deny_exempt_roles[0]",
        "would exempt every role",
    ),
    "bad-action": (bad_action, "guardrails.extra_global_actions[0]", "is not an IAM action"),
    "bad-scp-name": (bad_scp_name, "guardrails.attachments.root[0]", "is not an SCP name"),
    "duplicate-scp": (duplicate_scp, "guardrails.attachments.root", "listed twice"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_guardrail_config_is_a_positioned_error(case: str, tmp_path: Path) -> None:
    edit, field, fragment = CASES[case]
    directory = write_variant(tmp_path / "env", edit)
    with pytest.raises(ConfigError) as raised:
        load_estate(directory)
    matching = [issue for issue in raised.value.issues if issue.field == field and fragment in issue.message]
    assert matching, "\n".join(str(issue) for issue in raised.value.issues)
    issue = matching[0]
    assert issue.file.endswith("organization.yaml")
    assert issue.line > 1  # points at the offending key, not the top of the file


def test_the_sample_guardrails_are_valid(sample_estate: Any) -> None:
    assert sample_estate.organization.guardrails.attachments.top_level_ous == [
        "region-deny",
        "deny-iam-access-keys",
    ]


def test_access_keys_guardrail_can_be_switched_off_cleanly(tmp_path: Path) -> None:
    def off(files: dict[str, Any]) -> None:
        access_keys_switched_off(files)
        attachments(files)["top_level_ous"] = ["region-deny"]

    estate = load_estate(write_variant(tmp_path / "env", off))
    from modules.organization import guardrails as g

    assert "deny-iam-access-keys" not in g.scp_names(estate)
