"""The whole verdict as JSON: the machine-readable source of truth the other formats summarize."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from modules.review.model import Result
from modules.review.verdict import Review

SCHEMA_VERSION = 1


def _plain(value: Any) -> Any:
    """A dataclass as the encoder meets it: its fields by name (a result also says its status).
    The C encoder walks what is inside, so nothing is copied first (`dataclasses.asdict` deep-
    copies every value: most of the time of a 100-environment report)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        data = {field.name: getattr(value, field.name) for field in dataclasses.fields(value)}
        if isinstance(value, Result):
            data["status"] = value.status
        return data
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


# Without `indent` the json module encodes in C; the layout is made by `_layout`.
_encode = json.JSONEncoder(default=_plain, separators=(", ", ": ")).encode


def _layout(document: dict[str, Any]) -> str:
    """One line per top-level key, and per entry of a top-level list or mapping: readable and
    diffable line by line, each line encoded by the C encoder."""
    lines = ["{"]
    for index, (key, value) in enumerate(document.items()):
        comma = "," if index < len(document) - 1 else ""
        if isinstance(value, (list, dict)) and value:
            entries = (
                [_encode(entry) for entry in value]
                if isinstance(value, list)
                else [f"{_encode(name)}: {_encode(entry)}" for name, entry in value.items()]
            )
            opening, closing = ("[", "]") if isinstance(value, list) else ("{", "}")
            lines.append(f"  {_encode(key)}: {opening}")
            lines.append(",\n".join(f"    {entry}" for entry in entries))
            lines.append(f"  {closing}{comma}")
        else:
            lines.append(f"  {_encode(key)}: {_encode(value)}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def render_json(review: Review) -> str:
    statuses = review.status_counts()
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
                "results": dict(statuses[stack]),
                "changes": dict(review.change_counts(stack)),
                "plan_reused": stack in review.reused_plans,
                "checkov_reused": stack in review.reused_checkov,
                "unchanged": stack in review.unchanged,
            }
            for stack in review.stacks
        },
        "removed_stacks": review.removed_stacks,
        "changed_stacks": review.changed,
        "results": review.results,
        "access": {k: v for k, v in review.access.items() if k != "text"},
        "policy_issues": [str(issue) for issue in review.policy_issues],
        "changes": [change for changes in review.changes.values() for change in changes],
        "sensitive_changes": review.sensitive,
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
    return _layout(document)
