"""Which Security Hub controls each account disables, and why (DET-7); pure data, no cdktf.

Controls that fail by the baseline's own design (alarms centralized on the organization trail,
passwords that never expire) are listed in `policies/security_hub/disabled_controls.yaml`. An
account disables a control in each standard it runs that contains the control: the audit account
runs the configured standards (`security_hub:`), every other account the standards Security Hub's
organization auto-enable gives members (`DEFAULT`: FSBP and CIS 1.2.0).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import yaml
from pydantic import Field

from modules.core.base import StrictModel
from modules.core.types import UniqueList, listed_twice

if TYPE_CHECKING:
    from modules.config.models import Estate

TABLE = Path(__file__).resolve().parents[2] / "policies" / "security_hub" / "disabled_controls.yaml"
StandardKey = Literal["fsbp", "cis-1.2.0", "cis-1.4.0", "cis-3.0.0", "pci-dss-3.2.1", "pci-dss-4.0.1"]
# What `auto_enable_standards = "DEFAULT"` enables in member accounts.
MEMBER_DEFAULT_STANDARDS: tuple[StandardKey, ...] = ("fsbp", "cis-1.2.0")
# Security Hub's limit on `updated_reason`.
MAX_REASON = 512


class DisabledControl(StrictModel):
    control: str = Field(pattern=r"^[A-Za-z0-9]+\.[0-9]+$")
    standards: Annotated[list[StandardKey], UniqueList] = Field(min_length=1)
    accounts: Literal["members_without_alarms", "all"]
    requirement: str = Field(pattern=r"^[A-Z]{2,4}-[0-9]+$")
    reason: str = Field(min_length=10, max_length=MAX_REASON)


class DisabledControlTable(StrictModel):
    controls: list[DisabledControl] = Field(min_length=1)


@dataclass(frozen=True)
class ControlException:
    standard: StandardKey
    control: str
    reason: str

    def standards_arn(self, region: str) -> str:
        return standards_arn(self.standard, region)


def standards_arn(key: StandardKey, region: str) -> str:
    if key == "cis-1.2.0":  # the oldest standard is a global ruleset
        return "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0"
    standards = f"arn:aws:securityhub:{region}::standards"
    if key == "fsbp":
        return f"{standards}/aws-foundational-security-best-practices/v/1.0.0"
    family, _, version = key.rpartition("-")
    name = "cis-aws-foundations-benchmark" if family == "cis" else "pci-dss"
    return f"{standards}/{name}/v/{version}"


@cache
def disabled_controls(path: Path = TABLE) -> tuple[DisabledControl, ...]:
    rows = DisabledControlTable.model_validate(yaml.safe_load(path.read_text()), strict=False).controls
    duplicates = listed_twice([row.control for row in rows])
    if duplicates:
        raise ValueError(f"{path}: controls listed twice: {', '.join(duplicates)}")
    return tuple(rows)


def account_standards(estate: Estate, role: str) -> tuple[StandardKey, ...]:
    """The standards an account runs: configured in the audit account, DEFAULT elsewhere."""
    if role != "audit":
        return MEMBER_DEFAULT_STANDARDS
    config = estate.organization.security_hub
    keys: list[StandardKey] = ["fsbp"]
    if config.cis_version:
        keys.append(f"cis-{config.cis_version}")  # type: ignore[arg-type]
    if config.pci_dss_version:
        keys.append(f"pci-dss-{config.pci_dss_version}")  # type: ignore[arg-type]
    return tuple(keys)


def account_exceptions(estate: Estate, role: str) -> list[ControlException]:
    """Every (standard, control) the account `role` disables, with the reason."""
    runs = account_standards(estate, role)
    found = []
    for row in disabled_controls():
        if row.accounts == "members_without_alarms" and role == "management":
            continue
        found += [ControlException(key, row.control, row.reason) for key in row.standards if key in runs]
    return found
