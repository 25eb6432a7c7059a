"""The job-role mapping table for the sample (IAM-2/3), and the README copy of it."""

from __future__ import annotations

import os
from pathlib import Path

from modules.config import Estate
from modules.identity_center.mapping import TABLE_BEGIN, TABLE_END, readme_section, role_table
from modules.identity_center.permission_sets import assignments

README = Path(__file__).resolve().parents[2] / "modules" / "identity_center" / "README.md"


def test_sample_mapping_table(sample_estate: Estate) -> None:
    header, *body = role_table(sample_estate)
    rows = {row[1]: row for row in body}
    assert header[5:] == [
        "management (111111111111)",
        "log_archive (222222222222)",
        "audit (333333333333)",
        "prod (444444444444)",
        "stg (555555555555)",
        "dev (666666666666)",
    ]
    assert rows["Administrators"][2:] == ["PT1H", "AdministratorAccess", "-", *["cloud-admins"] * 6]
    assert rows["InfraAdmins"][3:5] == ["PowerUserAccess, IAMReadOnlyAccess", "infra-admins.json.j2"]
    assert rows["InfraAdmins"][5:] == ["-", "-", "-", *["infra-admins"] * 3]
    assert rows["SecurityAdmins"][5:] == ["-", *["security-admins"] * 5]
    assert rows["IAMAdmins"][5:] == ["iam-admins", "-", "-", *["iam-admins"] * 3]
    # Developers operate in stg/dev only; in production they keep their read-mostly Apps role.
    assert rows["Operators"][8:] == [
        "operators",
        "operators, billing-developers, catalog-developers",
        "operators, billing-developers, catalog-developers",
    ]
    assert rows["BillingApps-Prod"][0] == "BillingApps"
    assert rows["BillingApps-Prod"][5:] == ["-", "-", "-", "billing-developers", "-", "-"]
    assert rows["CatalogApps-Dev"][5:] == ["-", "-", "-", "-", "-", "catalog-developers"]
    assert sorted(rows) == sorted(
        ["Administrators", "InfraAdmins", "SecurityAdmins", "IAMAdmins", "Operators"]
        + [f"{app}Apps-{stage}" for app in ("Billing", "Catalog") for stage in ("Prod", "Stg", "Dev")]
    )


def test_assignments_resolve_groups_by_name_or_id(sample_estate: Estate) -> None:
    found = {(a.environment, a.group_id, a.permission_set, a.account_id) for a in assignments(sample_estate)}
    assert ("prod", "4e5f6a7b-8c9d-4e0f-1a2b-3c4d5e6f7a8b", "Operators", "444444444444") in found
    assert ("dev", "5f6a7b8c-9d0e-4f1a-2b3c-4d5e6f7a8b9c", "BillingApps-Dev", "666666666666") in found
    assert ("audit", "2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f", "SecurityAdmins", "333333333333") in found
    assert len(found) == 2 + 2 + 2 + 7 + 9 + 9


def test_readme_table_is_current(sample_estate: Estate) -> None:
    """On an intended change: `UPDATE_README=1 uv run pytest tests/identity_center/test_mapping.py`."""
    text = README.read_text(encoding="utf-8")
    start, end = text.index(TABLE_BEGIN), text.index(TABLE_END) + len(TABLE_END) + 1
    expected = readme_section(sample_estate)
    if os.environ.get("UPDATE_README"):
        README.write_text(text[:start] + expected + text[end:], encoding="utf-8")
        text = README.read_text(encoding="utf-8")
    assert text[start : start + len(expected)] == expected, "README table is stale: run `lz roles`"
