"""The whole verdict as JSON: the machine-readable source of truth the other formats summarize."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from modules.review.verdict import Review

SCHEMA_VERSION = 1


def _result(result: Any) -> dict[str, Any]:
    data: dict[str, Any] = dataclasses.asdict(result)
    data["status"] = result.status
    return data


def render_json(review: Review) -> str:
    document = {
        "schema_version": SCHEMA_VERSION,
        "estate": review.estate,
        "verdict": "passed" if review.ok else "failed",
        "exit_code": review.exit_code,
        "summary": {
            "failed": len(review.failed),
            "suppressed": len(review.suppressed),
            "passed": len(review.passed),
            "policy_issues": len(review.policy_issues),
            "checkov_version": review.checkov_version,
            "prior_state": review.prior_state,
            "destructive_changes": len(review.destructive),
        },
        "stacks": {
            stack: {
                "config_file": review.config_files.get(stack, ""),
                "results": dict(review.status_counts(stack)),
                "changes": dict(review.change_counts(stack)),
                "plan_reused": stack in review.reused_plans,
                "checkov_reused": stack in review.reused_checkov,
                "unchanged": stack in review.unchanged,
            }
            for stack in review.stacks
        },
        "removed_stacks": review.removed_stacks,
        "changed_stacks": review.changed,
        "results": [_result(result) for result in review.results],
        "access": {k: v for k, v in review.access.items() if k != "text"},
        "policy_issues": [str(issue) for issue in review.policy_issues],
        "changes": [dataclasses.asdict(c) for changes in review.changes.values() for c in changes],
        "sensitive_changes": [dataclasses.asdict(change) for change in review.sensitive],
        "compliance": [
            {
                "id": row.requirement.id,
                "title": row.requirement.title,
                "status": row.requirement.status,
                "checks": row.requirement.checks,
                "verdict": row.verdict,
                "per_stack": row.per_stack,
            }
            for row in review.compliance
        ],
        "uncovered_requirements": review.uncovered,
        "unused_suppressions": review.unused_suppressions,
        "timings_seconds": review.timings,
    }
    return json.dumps(document, indent=2) + "\n"
