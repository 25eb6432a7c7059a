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
from modules.policy_catalog import synthesized as synthesized_chains
from tests.support import ROOT

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


# ORG-6: the resource side. The outsider is an administrator of an account outside the organization.
SNAPSHOT = ROOT / "tests" / "stacks" / "snapshots" / "organization.json"
OUTSIDER_PROBES = {
    "rcp-outsider-reads-log-object",
    "rcp-outsider-deletes-log-object",
    "rcp-outsider-uses-log-key",
    "rcp-outsider-reads-workload-object",
    "rcp-outsider-assumes-role",
    "rcp-outsider-reads-secret",
    "rcp-outsider-receives-queue-message",
    "rcp-foreign-service-confused-deputy",
}


def _without(chains: access.RcpChains, *names: str) -> access.RcpChains:
    return {role: [(n, d) for n, d in rcps if n not in names] for role, rcps in chains.items()}


def test_outsiders_and_plaintext_calls_are_denied_by_the_rcps(sample_estate: Estate) -> None:
    matrix = access.access_matrix(sample_estate)
    assert matrix.rcps_evaluated
    outsider = [cell for cell in matrix.cells if cell.principal == access.OUTSIDER]
    assert {cell.probe for cell in outsider} == OUTSIDER_PROBES
    assert all(c.decision == "Deny" and c.because.startswith("RCP ") for c in outsider), outsider
    assert {c.account for c in outsider if c.probe == "rcp-outsider-reads-log-object"} == {"log_archive"}
    assert "management" not in {c.account for c in outsider}  # RCPs do not reach its resources
    plaintext = [cell for cell in matrix.cells if cell.probe == "rcp-plaintext-call"]
    assert plaintext and all("RCP secure-transport" in cell.because for cell in plaintext)
    # must allow: the perimeter does not lock the organization's own principals out
    own = [cell for cell in matrix.cells if cell.probe == "rcp-member-reads-own-object"]
    assert own and all(cell.decision == "Allow" and not cell.unexpected for cell in own)


def test_a_missing_data_perimeter_is_a_finding(sample_estate: Estate) -> None:
    chains = _without(access._rcp_chain(sample_estate), "data-perimeter")
    found = {
        (cell.account, cell.probe) for cell in access.access_matrix(sample_estate, rcp_chains=chains).findings
    }
    for probe in ("rcp-outsider-reads-workload-object", "rcp-outsider-assumes-role"):
        assert ("prod", probe) in found
    assert ("prod", "rcp-foreign-service-confused-deputy") in found
    # the log archive keeps its own RCP: still denied there
    assert ("log_archive", "rcp-outsider-reads-log-object") not in found


def test_unprotected_log_archive_is_a_finding(sample_estate: Estate) -> None:
    chains = _without(access._rcp_chain(sample_estate), "data-perimeter", "protect-log-archive")
    matrix = access.access_matrix(sample_estate, rcp_chains=chains)
    found = {(cell.account, cell.probe): cell for cell in matrix.findings}
    cell = found[("log_archive", "rcp-outsider-reads-log-object")]
    assert cell.decision == "Allow" and "outsider's own AdministratorAccess" in cell.because
    chains = _without(access._rcp_chain(sample_estate), "secure-transport")
    plaintext = {cell.probe for cell in access.access_matrix(sample_estate, rcp_chains=chains).findings}
    assert "rcp-plaintext-call" in plaintext


def test_the_review_reads_the_rcp_chains_from_the_synthesized_stack(sample_estate: Estate) -> None:
    synthesized = json.loads(SNAPSHOT.read_text())
    from_stack = synthesized_chains.rcp_chains(synthesized)
    from_config = access._rcp_chain(sample_estate)
    assert from_stack.keys() == from_config.keys()
    for role, rcps in from_config.items():
        assert sorted(from_stack[role]) == sorted(rcps), role  # same names, same documents
    matrix = access.access_matrix(
        sample_estate, chains=synthesized_chains.chains(synthesized), rcp_chains=from_stack
    )
    assert matrix.findings == []


def test_disabled_rcps_are_said_and_outsider_probes_skipped(sample_estate: Estate) -> None:
    org = sample_estate.organization
    perimeter = org.resource_control_policies.model_copy(update={"enabled": False})
    estate = dataclasses.replace(
        sample_estate, organization=org.model_copy(update={"resource_control_policies": perimeter})
    )
    matrix = access.access_matrix(estate)
    assert not matrix.rcps_evaluated
    assert any("resource_control_policies disabled" in note for note in matrix.notes)
    assert access.OUTSIDER not in {cell.principal for cell in matrix.cells}
