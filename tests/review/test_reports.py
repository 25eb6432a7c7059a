"""Report formats: valid, complete, and the Markdown comment always under GitHub's limit."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from modules.core.errors import ConfigIssue
from modules.review.change_safety import Change
from modules.review.model import Result, Waiver
from modules.review.reports import write_reports
from modules.review.reports.markdown import render_markdown
from modules.review.verdict import Review

WAIVER = Waiver(
    "IAM-4 wants no expiry | the source wins", "platform-team", "2026-12-31", "policies/suppressions.yaml:3"
)


def review(failures: int = 1) -> Review:
    results = [
        Result("checkov", "CKV_AWS_41", "No hard-coded keys", "prod", "aws.default", passed=True),
        Result(
            "checkov",
            "CKV_AWS_9",
            "Password expiry",
            "prod",
            "aws_iam_account_password_policy.p",
            False,
            waiver=WAIVER,
        ),
        *(
            Result(
                "lz",
                "LZ_LOG_001",
                "Log retention",
                "dev",
                f"aws_cloudwatch_log_group.g{i}",
                False,
                message=f"30 days (floor 365) <{i}>",
            )
            for i in range(failures)
        ),
    ]
    return Review(
        estate="acme",
        stacks=["prod", "dev"],
        results=results,
        policy_issues=[
            ConfigIssue("policies/suppressions.yaml", 7, 14, "suppressions[1].expires", "expired")
        ],
        changes={"prod": [Change("prod", "aws_kms_key.k", "aws_kms_key", "replace")]},
        sensitive=[Change("prod", "aws_kms_key.k", "aws_kms_key", "replace")],
        checkov_version="3.3.30",
        config_files={"prod": "environments/prod.yaml", "dev": "environments/dev.yaml"},
    )


def test_all_four_formats_are_written_and_parse(tmp_path: Path) -> None:
    written = write_reports(review(), tmp_path)
    assert sorted(path.name for path in written) == ["junit.xml", "report.json", "report.md", "report.sarif"]

    data = json.loads((tmp_path / "report.json").read_text())
    assert (data["verdict"], data["exit_code"], data["summary"]["failed"]) == ("failed", 1, 1)
    assert data["stacks"]["prod"]["changes"] == {"replace": 1}

    sarif = json.loads((tmp_path / "report.sarif").read_text())
    assert sarif["version"] == "2.1.0"
    (run,) = sarif["runs"]
    by_rule = {r["ruleId"]: r for r in run["results"]}
    assert set(by_rule) == {"CKV_AWS_9", "LZ_LOG_001", "LZ_POLICY"}
    assert by_rule["CKV_AWS_9"]["suppressions"][0]["justification"].startswith("IAM-4 wants no expiry")
    location = by_rule["LZ_LOG_001"]["locations"][0]
    assert location["physicalLocation"]["artifactLocation"]["uri"] == "environments/dev.yaml"
    assert location["logicalLocations"][0]["fullyQualifiedName"] == "dev:aws_cloudwatch_log_group.g0"
    policy_region = by_rule["LZ_POLICY"]["locations"][0]["physicalLocation"]["region"]
    assert policy_region == {"startLine": 7, "startColumn": 14}
    assert {rule["id"] for rule in run["tool"]["driver"]["rules"]} == set(by_rule)

    junit = ET.parse(tmp_path / "junit.xml").getroot()
    suites = {suite.get("name"): suite for suite in junit}
    assert (suites["prod"].get("tests"), suites["prod"].get("skipped"), suites["prod"].get("failures")) == (
        "2",
        "1",
        "0",
    )
    assert suites["dev"].get("failures") == "1" and suites["policies"].get("failures") == "1"


def test_markdown_starts_with_the_verdict_and_escapes_cells() -> None:
    text = render_markdown(review())
    assert text.startswith("## Landing zone review `acme`: ❌ **Review failed**")
    assert text.index("| Stack |") < text.index("<details")
    assert "IAM-4 wants no expiry \\| the source wins" in text
    assert "&lt;0>" in text


def test_huge_reviews_are_cut_to_fit_a_comment_and_stay_well_formed() -> None:
    text = render_markdown(review(failures=20_000))
    assert len(text) <= 60_000
    assert text.count("<details") == text.count("</details>")
    assert "more row(s) in report.json" in text
    assert "LZ_LOG_001" in text  # failures are still shown, just fewer of them


def test_a_clean_review_passes() -> None:
    clean = Review(estate="acme", stacks=["dev"], results=[Result("lz", "LZ_X_001", "t", "dev", "a.b", True)])
    assert clean.ok and clean.exit_code == 0
    assert "✅ **Review passed**" in render_markdown(clean)


def test_sarif_stays_within_githubs_limits_of_runs_and_results(monkeypatch: pytest.MonkeyPatch) -> None:
    from modules.review.reports import sarif

    monkeypatch.setattr(sarif, "MAX_RESULTS_PER_RUN", 10)
    monkeypatch.setattr(sarif, "MAX_RUNS", 3)
    document = json.loads(sarif.render_sarif(review(failures=45)))  # 45 + a suppressed + a policy issue
    runs = document["runs"]
    assert len(runs) == 3 and all(len(run["results"]) <= 10 for run in runs)
    categories = [run["automationDetails"]["id"] for run in runs]
    assert len(set(categories)) == 3  # each run its own category
    assert runs[-1]["tool"]["driver"]["properties"]["results_left_out"] == 47 - 30
    single = json.loads(sarif.render_sarif(review()))["runs"]
    assert [run["automationDetails"]["id"] for run in single] == ["lz-review/"]


def test_report_json_holds_every_field_and_one_result_per_line() -> None:
    from dataclasses import asdict

    from modules.review.reports.json_report import render_json

    def as_json(value: Any) -> Any:  # what the earlier `dataclasses.asdict` rendering gave
        return json.loads(json.dumps(value))

    verdict = review(failures=3)
    text = render_json(verdict)
    data = json.loads(text)
    assert data["results"] == as_json(
        [{**asdict(result), "status": result.status} for result in verdict.results]
    )
    assert data["results"][1]["waiver"] == as_json(asdict(WAIVER))  # a nested record, whole
    assert data["changes"] == as_json([asdict(change) for change in verdict.changes["prod"]])
    assert data["sensitive_changes"] == as_json([asdict(change) for change in verdict.sensitive])
    assert data["stacks"]["dev"]["results"] == {"failed": 3}
    lines = text.splitlines()
    assert sum(line.startswith('    {"source": ') for line in lines) == len(verdict.results)
    assert lines[0] == "{" and lines[-1] == "}" and text.endswith("}\n")


def test_report_json_of_an_empty_review_is_valid() -> None:
    from modules.review.reports.json_report import render_json

    empty = Review(estate="acme", stacks=[], results=[])
    data = json.loads(render_json(empty))
    assert data["results"] == [] and data["stacks"] == {} and data["verdict"] == "passed"
