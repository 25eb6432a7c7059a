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
    run = {
        "tool": {
            "driver": {
                "name": "lz review",
                "rules": list(rules.values()),
                "properties": {"checkov_version": review.checkov_version},
            }
        },
        "results": [_result(review, r) for r in reported] + [_policy_result(i) for i in review.policy_issues],
    }
    document = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(document, indent=2) + "\n"
