"""SARIF 2.1.0 for code scanning: failed and suppressed results, located in the YAML to fix.

Synthesized Terraform is not in the repository, so a result points at the environment file that
produces the stack (role stacks: organization.yaml); the Terraform address is the logical location.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from modules.core.errors import ConfigIssue
from modules.review.model import Result
from modules.review.verdict import Review

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
POLICY_RULE = "LZ_POLICY"
LEVELS = {"CRITICAL": "error", "HIGH": "error", "MEDIUM": "warning", "LOW": "note", "INFO": "note"}
# GitHub code scanning takes at most 20 runs per file and 25,000 results per run; a file over
# either limit is rejected whole. Larger verdicts are split into runs (each its own category),
# the most severe results first, and what does not fit is counted in the last run.
MAX_RESULTS_PER_RUN, MAX_RUNS = 25_000, 20
CATEGORY = "lz-review"


def _rule(result: Result) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "id": result.check_id,
        "name": result.check_id,
        "shortDescription": {"text": result.title},
        "defaultConfiguration": {"level": LEVELS.get(result.severity, "warning")},
        "properties": {"source": result.source, "tags": ["security", "iac"]},
    }
    if result.guideline.startswith("http"):
        rule["helpUri"] = result.guideline
    elif result.guideline:
        rule["help"] = {"text": f"See {result.guideline}"}
    return rule


def _location(uri: str, line: int = 1, column: int = 1) -> dict[str, Any]:
    region = {"startLine": line, "startColumn": column}
    return {"physicalLocation": {"artifactLocation": {"uri": uri}, "region": region}}


def _result(review: Review, result: Result) -> dict[str, Any]:
    location = _location(review.config_files.get(result.stack, "environments/organization.yaml"))
    location["logicalLocations"] = [{"fullyQualifiedName": result.key, "kind": "resource"}]
    fingerprint = hashlib.sha256(f"{result.check_id}|{result.key}".encode()).hexdigest()
    entry: dict[str, Any] = {
        "ruleId": result.check_id,
        "level": LEVELS.get(result.severity, "warning"),
        "message": {"text": f"{result.title}: {result.key}. {result.message}".strip()},
        "locations": [location],
        "partialFingerprints": {"lzResult/v1": fingerprint},
    }
    if result.waiver:
        justification = (
            f"{result.waiver.reason} (owner {result.waiver.owner}, expires {result.waiver.expires})"
        )
        entry["suppressions"] = [{"kind": "external", "status": "accepted", "justification": justification}]
    return entry


def _policy_result(issue: ConfigIssue) -> dict[str, Any]:
    return {
        "ruleId": POLICY_RULE,
        "level": "error",
        "message": {"text": f"{issue.field}: {issue.message}"},
        "locations": [_location(issue.file, issue.line, issue.column)],
    }


def render_sarif(review: Review) -> str:
    reported = [result for result in review.results if not result.passed]
    rules = {result.check_id: _rule(result) for result in sorted(reported, key=lambda r: r.check_id)}
    if review.policy_issues:
        rules[POLICY_RULE] = {
            "id": POLICY_RULE,
            "name": POLICY_RULE,
            "shortDescription": {
                "text": "Policy files: every exception has a reason, an owner and a future expiry"
            },
        }
    entries = [_result(review, r) for r in reported] + [_policy_result(i) for i in review.policy_issues]
    document = {"$schema": SCHEMA, "version": "2.1.0", "runs": _runs(entries, list(rules.values()), review)}
    return json.dumps(document, indent=2) + "\n"


def _runs(entries: list[dict[str, Any]], rules: list[dict[str, Any]], review: Review) -> list[dict[str, Any]]:
    """One run while it fits GitHub's limits; else runs of MAX_RESULTS_PER_RUN, most severe first."""
    if len(entries) > MAX_RESULTS_PER_RUN:
        entries = sorted(entries, key=lambda entry: 0 if entry["level"] == "error" else 1)
    chunks = [
        entries[start : start + MAX_RESULTS_PER_RUN] for start in range(0, len(entries), MAX_RESULTS_PER_RUN)
    ]
    chunks = chunks or [[]]
    left_out = sum(len(chunk) for chunk in chunks[MAX_RUNS:])
    runs = []
    for number, chunk in enumerate(chunks[:MAX_RUNS], 1):
        category = CATEGORY if len(chunks) == 1 else f"{CATEGORY}/part-{number}"
        properties: dict[str, Any] = {"checkov_version": review.checkov_version}
        if left_out and number == min(len(chunks), MAX_RUNS):
            properties["results_left_out"] = left_out  # beyond GitHub's limits: see report.json
        runs.append(
            {
                "tool": {"driver": {"name": "lz review", "rules": rules, "properties": properties}},
                "automationDetails": {"id": f"{category}/"},
                "results": chunk,
            }
        )
    return runs
