"""The access matrix (`lz access`): no unexpected Allow on the sample; each escalation class is caught."""

from __future__ import annotations

import copy
import dataclasses
import json
from typing import Any

import pytest

from modules.cli import main
from modules.config import Estate
from modules.identity_center import permission_sets as ps
from modules.policy_catalog import access

REQUIREMENTS = {"SCP-1", "SCP-2", "SCP-3", "SCP-4", "SCP-5"}


def test_sample_has_no_unexpected_allow(sample_estate: Estate) -> None:
    matrix = access.access_matrix(sample_estate)
    assert matrix.findings == [], "\n".join(map(str, matrix.findings))
    assert {cell.requirement for cell in matrix.cells} >= REQUIREMENTS
    principals = {cell.principal for cell in matrix.cells}
    assert {
        "Administrators",
        "InfraAdmins",
        "IAMAdmins",
        "workload-admin",
        "root",
        "deployment",
    } <= principals
    assert {cell.account for cell in matrix.cells} == {
        "management",
        "log_archive",
        "audit",
        "dev",
        "prod",
        "stg",
    }


def test_scps_follow_the_accounts_real_placement(sample_estate: Estate) -> None:
    matrix = access.access_matrix(sample_estate)
    probe = "scp2-call-outside-approved-regions"
    region = {c.account: c for c in matrix.cells if c.probe == probe and c.principal == "InfraAdmins"}
    assert region["prod"].ou == "Workloads/Prod"
    assert region["prod"].decision == "Deny" and "region-deny" in region["prod"].because
    assert all(c.account != "management" for c in region.values())  # no SCP applies there


def _with_inline(estate: Estate, role: str, edit: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    real = ps.permission_sets(estate)

    def patched(_: Estate) -> list[ps.PermissionSet]:
        result = []
        for item in real:
            if item.job_role != role:
                result.append(item)
                continue
            document = copy.deepcopy(item.inline_policy)
            edit(document)
            result.append(dataclasses.replace(item, inline_policy=document))
        return result

    monkeypatch.setattr(ps, "permission_sets", patched)


def _findings(estate: Estate) -> set[tuple[str, str]]:
    return {(cell.principal, cell.probe) for cell in access.access_matrix(estate).findings}


def test_passing_any_role_is_a_finding(sample_estate: Estate, monkeypatch: pytest.MonkeyPatch) -> None:
    def pass_any_role(document: dict[str, Any]) -> None:
        document["Statement"][0]["Resource"] = "arn:aws:iam::*:role/*"  # the policy as it once was

    _with_inline(sample_estate, "InfraAdmins", pass_any_role, monkeypatch)
    assert ("InfraAdmins", "escalation-pass-more-powerful-role") in _findings(sample_estate)


def test_self_assignment_is_a_finding(sample_estate: Estate, monkeypatch: pytest.MonkeyPatch) -> None:
    def drop_privileged_denies(document: dict[str, Any]) -> None:
        document["Statement"] = [
            s
            for s in document["Statement"]
            if s["Sid"] not in ("DenyPrivilegedAssignments", "DenyPrivilegedGroupMembership")
        ]

    _with_inline(sample_estate, "IAMAdmins", drop_privileged_denies, monkeypatch)
    found = _findings(sample_estate)
    assert ("IAMAdmins", "escalation-self-assignment-identity-center") in found
    assert ("IAMAdmins", "escalation-join-privileged-group") in found


def test_tag_takeover_is_a_finding(sample_estate: Estate, monkeypatch: pytest.MonkeyPatch) -> None:
    def drop_takeover_deny(document: dict[str, Any]) -> None:
        document["Statement"] = [
            s for s in document["Statement"] if s["Sid"] != "DenyOtherApplicationsResources"
        ]

    _with_inline(sample_estate, "Apps", drop_takeover_deny, monkeypatch)
    assert ("BillingApps-Dev", "escalation-tag-overwrite-takeover") in _findings(sample_estate)


def test_access_keys_and_self_attach_are_findings(
    sample_estate: Estate, monkeypatch: pytest.MonkeyPatch
) -> None:
    def drop(document: dict[str, Any]) -> None:
        gone = ("DenyLongLivedCredentials", "DenyAttachingAdministratorPolicies", "DenyPassingRoles")
        document["Statement"] = [s for s in document["Statement"] if s["Sid"] not in gone]

    _with_inline(sample_estate, "IAMAdmins", drop, monkeypatch)
    found = _findings(sample_estate)
    assert ("IAMAdmins", "iam7-access-key-for-another-user") in found
    assert ("IAMAdmins", "escalation-pass-more-powerful-role") in found
    finding = next(c for c in access.access_matrix(sample_estate).findings if c.probe.startswith("iam7"))
    assert "managed:IAMFullAccess" in finding.because  # names the statement that allowed it


def test_lz_access_prints_the_matrix_and_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["access"]) == 0
    out = capsys.readouterr().out
    assert "## prod (OU Workloads/Prod)" in out and "0 unexpected Allow(s)" in out
    assert main(["access", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["findings"] == 0
