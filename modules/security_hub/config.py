"""`security_hub:` standards, aggregation and finding notifications (DET-2)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from modules.core.base import StrictModel
from modules.core.types import UniqueList

FindingSeverity = Literal["INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"]


class SecurityHubConfig(StrictModel):
    """DET-2: Security Hub in every approved region, FSBP always on, findings aggregated in audit."""

    cis_version: Literal["1.4.0", "3.0.0"] | None = Field(
        default="3.0.0", description="CIS AWS Foundations Benchmark version; null disables it."
    )
    pci_dss_version: Literal["3.2.1", "4.0.1"] | None = Field(
        default="3.2.1", description="PCI DSS standard version; null disables it."
    )
    notify_severities: Annotated[list[FindingSeverity], UniqueList] = Field(
        default=["HIGH", "CRITICAL"],
        min_length=1,
        description="Failed findings with these severity labels are e-mailed (notifications:).",
    )

    def standard_arns(self, region: str) -> dict[str, str]:
        """Construct-id suffix -> standard ARN. FSBP is always on (DET-2)."""
        standards = f"arn:aws:securityhub:{region}::standards"
        arns = {"fsbp": f"{standards}/aws-foundational-security-best-practices/v/1.0.0"}
        if self.cis_version:
            arns["cis"] = f"{standards}/cis-aws-foundations-benchmark/v/{self.cis_version}"
        if self.pci_dss_version:
            arns["pci-dss"] = f"{standards}/pci-dss/v/{self.pci_dss_version}"
        return arns
