"""The access matrix and the policy catalog in the review's reports (report.md folds, report.json holds).

Built once per review from the estate and the synthesized organization stack (each account's SCP
and RCP chains as Terraform will place it: `modules/policy_catalog/synthesized.py`); the verdict itself comes
from the LZ_SCP_004 check, this only shows the whole matrix and the catalog version behind it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from modules.config import Estate
    from modules.review.model import StackView


def access_report(estate: Estate, views: Mapping[str, StackView]) -> dict[str, Any]:
    """{"catalog": version, "matrix": cells and notes, "text": the rendered tables}; {} on no data."""
    from modules.policy_catalog import catalog
    from modules.policy_catalog.access import access_matrix, render_text
    from modules.policy_catalog.synthesized import chains, rcp_chains

    organization = next(
        (v for v in views.values() if "aws_organizations_account" in v.synthesized.get("resource", {})), None
    )
    if organization is None:
        matrix = access_matrix(estate)
    else:
        synthesized = organization.synthesized
        matrix = access_matrix(estate, chains=chains(synthesized), rcp_chains=rcp_chains(synthesized))
    return {"catalog": catalog.version(), "matrix": matrix.as_json(), "text": render_text(matrix)}


def access_markdown(access: Mapping[str, Any], *, tables: bool = True) -> str:
    """A folded section: the catalog version, the count of unexpected Allows, the tables (left out
    when the report must shrink: the findings lines stay, report.json holds every cell)."""
    if not access:
        return ""
    findings = access["matrix"]["findings"]
    mark = "❌" if findings else "✅"
    summary = (
        f"{mark} Access matrix: {findings} unexpected Allow(s) · policies checked against AWS's "
        f"catalog {access['catalog']}"
    )
    text = (
        access["text"]
        if tables
        else "\n".join(line for line in access["text"].splitlines() if line.startswith(("FINDING", "note:")))
    )
    return f"<details><summary>{summary}</summary>\n\n{text}\n</details>"
