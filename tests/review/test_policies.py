"""Suppressions, the change-safety allow-list and the compliance map: shape, governance, effect."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from textwrap import dedent

import pytest

from modules.core.errors import ConfigError
from modules.review.change_safety import Change, load_change_safety, plan_changes
from modules.review.compliance import consistency_issues, evaluate, load_baseline, proven_by
from modules.review.model import Result, StackView
from modules.review.suppressions import load_suppressions
from tests.support import ROOT

TODAY = dt.date(2026, 1, 15)
POLICIES = ROOT / "policies"


def failed(check_id: str, stack: str, address: str) -> Result:
    return Result("checkov", check_id, "title", stack, address, passed=False)


def write(tmp_path: Path, text: str, name: str = "policy.yaml") -> Path:
    path = tmp_path / name
    path.write_text(dedent(text))
    return path


SUPPRESSION = """\
    suppressions:
      - check: CKV_AWS_9
        resource: "*:aws_iam_account_password_policy.*"
        reason: IAM-4 asks for no expiry; CKV_AWS_9 wants 90 days. The source document wins.
        owner: platform-team
        expires: 2026-12-31
    """


def test_a_valid_suppression_waives_matching_results_with_its_reason(tmp_path: Path) -> None:
    suppressions = load_suppressions(write(tmp_path, SUPPRESSION), today=TODAY)
    assert suppressions.issues == []
    hit = failed("CKV_AWS_9", "prod", "aws_iam_account_password_policy.baseline")
    other_check = failed("CKV_AWS_10", "prod", "aws_iam_account_password_policy.baseline")
    other_resource = failed("CKV_AWS_9", "prod", "aws_iam_user.x")
    applied = suppressions.apply([hit, other_check, other_resource])
    assert [r.status for r in applied] == ["suppressed", "failed", "failed"]
    waiver = applied[0].waiver
    assert waiver is not None and waiver.owner == "platform-team" and waiver.expires == "2026-12-31"
    assert waiver.reason.startswith("IAM-4") and waiver.origin.endswith("policy.yaml:2")
    assert suppressions.unused([other_check]) == ["CKV_AWS_9 *:aws_iam_account_password_policy.*"]


REASON = "reason: IAM-4 asks for no expiry; CKV_AWS_9 wants 90 days. The source document wins."


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        ((REASON, 'reason: ""'), (4, 13, "suppressions[0].reason", "no reason given")),
        ((REASON, "reason: too short"), (4, 13, "suppressions[0].reason", "no reason given")),
        ((f"        {REASON}\n", ""), (2, 5, "suppressions[0].reason", "no reason given")),
        (
            ("expires: 2026-12-31", "expires: 2025-12-31"),
            (6, 14, "suppressions[0].expires", "expired on 2025-12-31"),
        ),
        (("expires: 2026-12-31", "expires: null"), (6, 14, "suppressions[0].expires", "no expiry date")),
        (("owner: platform-team", "owner: ' '"), (5, 12, "suppressions[0].owner", "no owner")),
    ],
)
def test_reasonless_ownerless_or_expired_entries_are_findings_and_waive_nothing(
    tmp_path: Path, edit: tuple[str, str], expected: tuple[int, int, str, str]
) -> None:
    text = SUPPRESSION.replace(*edit)
    assert text != SUPPRESSION
    suppressions = load_suppressions(write(tmp_path, text), today=TODAY)
    (issue,) = suppressions.issues
    assert (issue.line, issue.column, issue.field) == expected[:3] and issue.message.startswith(expected[3])
    assert issue.file.endswith("policy.yaml")
    applied = suppressions.apply([failed("CKV_AWS_9", "prod", "aws_iam_account_password_policy.baseline")])
    assert applied[0].status == "failed"


def test_shape_errors_are_bad_input_with_positions(tmp_path: Path) -> None:
    text = SUPPRESSION.replace("owner:", "ownr:")
    with pytest.raises(ConfigError) as error:
        load_suppressions(write(tmp_path, text), today=TODAY)
    (issue,) = error.value.issues
    assert (issue.line, issue.column, issue.field) == (5, 5, "suppressions[0].ownr")
    assert "did you mean 'owner'?" in issue.message


def test_shipped_policy_files_are_valid() -> None:
    assert load_suppressions(POLICIES / "suppressions.yaml", today=TODAY).issues == []
    assert load_change_safety(POLICIES / "change_safety.yaml", today=TODAY).issues == []


def plan_with(*changes: tuple[str, list[str]]) -> StackView:
    resource_changes = [
        {"address": address, "type": address.split(".")[0], "mode": "managed", "change": {"actions": actions}}
        for address, actions in changes
    ]
    return StackView("log-archive", {}, {"resource_changes": resource_changes})


def test_plan_changes_are_classified() -> None:
    view = plan_with(
        ("aws_s3_bucket.logs", ["create"]),
        ("aws_kms_key.logs", ["delete", "create"]),
        ("aws_cloudtrail.org", ["create", "delete"]),
        ("aws_sns_topic.alerts", ["update"]),
        ("aws_s3_bucket.old", ["delete"]),
        ("aws_iam_role.same", ["no-op"]),
    )
    actions = {change.address: change.action for change in plan_changes(view)}
    assert actions == {
        "aws_s3_bucket.logs": "create",
        "aws_kms_key.logs": "replace",
        "aws_cloudtrail.org": "replace",
        "aws_sns_topic.alerts": "update",
        "aws_s3_bucket.old": "destroy",
    }


def test_protected_destroys_fail_unless_allowed(tmp_path: Path) -> None:
    rules = (
        (POLICIES / "change_safety.yaml")
        .read_text()
        .replace(
            "allow: []",
            dedent("""\
        allow:
          - resource: "log-archive:aws_kms_key.logs"
            actions: [replace]
            reason: Key material is re-imported; the old key is kept by AWS for 30 days.
            owner: security-team
            expires: 2026-02-01
        """),
        )
    )
    safety = load_change_safety(write(tmp_path, rules), today=TODAY)
    changes = [
        Change("log-archive", "aws_kms_key.logs", "aws_kms_key", "replace"),
        Change("log-archive", "aws_s3_bucket.logs", "aws_s3_bucket", "destroy"),
        Change("prod", "aws_s3_bucket.app", "aws_s3_bucket", "destroy"),  # not a log bucket
        Change("log-archive", "aws_s3_bucket.new", "aws_s3_bucket", "create"),
    ]
    results = {r.key: r.status for r in safety.results(changes)}
    assert results == {
        "log-archive:aws_kms_key.logs": "suppressed",
        "log-archive:aws_s3_bucket.logs": "failed",
    }
    assert safety.is_sensitive(changes[0]) and not safety.is_sensitive(
        Change("p", "aws_vpc.x", "aws_vpc", "create")
    )


def test_an_expired_allow_entry_waives_nothing(tmp_path: Path) -> None:
    rules = dedent("""\
        protected: [{type: aws_kms_key, why: keys}]
        allow:
          - resource: "*"
            actions: [destroy]
            reason: temporary clean-up of the test key
            owner: me
            expires: 2025-01-01
        """)
    safety = load_change_safety(write(tmp_path, rules), today=TODAY)
    assert "expired on 2025-01-01" in str(safety.issues)
    (result,) = safety.results([Change("s", "aws_kms_key.k", "aws_kms_key", "destroy")])
    assert result.status == "failed"


def test_baseline_lists_every_requirement_once() -> None:
    baseline, _ = load_baseline(POLICIES / "compliance" / "baseline.yaml")
    prefixes = [requirement.id.split("-")[0] for requirement in baseline.requirements]
    counts = {prefix: prefixes.count(prefix) for prefix in dict.fromkeys(prefixes)}
    assert counts == {
        "ORG": 8,
        "SCP": 6,
        "IAM": 10,
        "LOG": 7,
        "CFG": 4,
        "DET": 7,
        "NET": 7,
        "DAT": 5,
        "OPS": 4,
    }
    # What is missing is said where it is missing: every partial or planned requirement has a note.
    assert all(r.note.strip() for r in baseline.requirements if r.status in ("planned", "partial"))


def test_compliance_consistency_and_verdicts(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        requirements:
          - {id: LOG-3, title: retention, status: partial, checks: [LZ_LOG_001, CKV_AWS_338]}
          - {id: OPS-3, title: reviewed, status: implemented, checks: [LZ_NOPE_001]}
          - {id: NET-1, title: no public ips, status: planned}
        """,
    )
    baseline, source = load_baseline(path)
    issues = [str(i) for i in consistency_issues(baseline, source, {"LZ_LOG_001", "LZ_NET_009"})]
    assert len(issues) == 2, issues
    assert any("LZ_NOPE_001 is not a check" in i for i in issues)
    assert any("LZ_NET_009 proves no requirement" in i for i in issues)
    proofs = {"LZ_LOG_001": ("LOG-3",), "CKV_AWS_338": ("LOG-3",), "LZ_NOPE_001": ("OPS-3",)}
    assert proven_by(baseline) == proofs
    results = [
        Result("lz", "LZ_LOG_001", "t", "prod", "a.x", passed=True),
        failed("CKV_AWS_338", "dev", "a.y"),
    ]
    rows = {row.requirement.id: row for row in evaluate(baseline, results, ["prod", "dev", "stg"])}
    assert rows["LOG-3"].verdict == "fail"
    assert rows["LOG-3"].per_stack == {"prod": "pass", "dev": "fail", "stg": "not evaluated"}
    assert rows["OPS-3"].verdict == "not evaluated" and rows["NET-1"].verdict == "no check"
