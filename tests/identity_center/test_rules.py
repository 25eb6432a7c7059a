"""Identity rules of `lz validate`: each bad input is a positioned error (IAM-2/3)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from modules.config.semantics import all_rules
from modules.core.errors import ConfigError
from modules.identity_center import rules
from modules.identity_center.permission_sets import PermissionSetError
from tests.support import load_variant


def errors(tmp_path: Path, edit: Any) -> list[str]:
    with pytest.raises(ConfigError) as raised:
        load_variant(tmp_path / "estate", edit)
    return [str(issue) for issue in raised.value.issues]


def test_application_name_too_long_for_a_permission_set(tmp_path: Path) -> None:
    def edit(files: dict[str, Any]) -> None:
        files["dev"]["applications"].append({"name": "InvoiceReconciliationEngine"})

    (message,) = errors(tmp_path, edit)
    assert "/dev.yaml:12:9 " in message
    assert "applications[2].name: permission set name 'InvoiceReconciliationEngineApps-Dev' has 35" in message


def test_same_role_granted_twice_to_a_group(tmp_path: Path) -> None:
    def edit(files: dict[str, Any]) -> None:
        # Once by display name, once by id: the same group.
        files["prod"]["access"].append(
            {"group": "4e5f6a7b-8c9d-4e0f-1a2b-3c4d5e6f7a8b", "roles": ["Operators"]}
        )

    (message,) = errors(tmp_path, edit)
    assert "prod.yaml:" in message
    assert "access[7].roles[0]: group 'operators' is granted 'Operators' twice" in message


def test_core_accounts_take_fixed_job_roles_only(tmp_path: Path) -> None:
    def edit(files: dict[str, Any]) -> None:
        audit = files["organization"]["identity_center"]["account_access"]["audit"]
        audit.append({"group": "billing-developers", "roles": ["BillingApps"]})
        audit.append({"group": "nobody", "roles": ["SecurityAdmins"]})

    messages = errors(tmp_path, edit)
    assert len(messages) == 2
    assert "/organization.yaml:" in messages[0]
    assert (
        "identity_center.account_access.audit[2].roles[0]: 'BillingApps' is not a declared job role"
        in messages[0]
    )
    assert "identity_center.account_access.audit[3].group: 'nobody' is not a declared group" in messages[1]


def test_broken_template_is_a_config_error(sample_estate: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(estate: Any) -> Any:
        raise PermissionSetError("inline policy 'operators' is not valid JSON: x")

    monkeypatch.setattr(rules, "permission_sets", broken)
    (finding,) = rules.permission_set_policies_render(sample_estate)
    assert finding.loc == ("identity_center", "job_roles")
    assert "operators" in finding.message


def test_sample_has_no_identity_findings(sample_estate: Any) -> None:
    mine = [rule for rule in all_rules() if rule.module == rules.__name__]
    assert len(mine) == 8
    assert [finding for rule in mine for finding in rule(sample_estate)] == []
