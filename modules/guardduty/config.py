"""`guardduty:` threat detection in every approved region, organization-wide (DET-1, DET-6).

DET-6: every protection plan GuardDuty offers is on by default; each can be switched off.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from modules.core.base import StrictModel

Severity = Literal["LOW", "MEDIUM", "HIGH", "CRITICAL"]

# GuardDuty's numeric severity bands: the lowest score of each label.
SEVERITY_FLOOR: dict[str, float] = {"LOW": 1.0, "MEDIUM": 4.0, "HIGH": 7.0, "CRITICAL": 9.0}


class GuardDutyConfig(StrictModel):
    """DET-1, DET-6: a detector in every approved region of every account, audit as administrator."""

    s3_protection: bool = Field(default=True, description="S3 data-event analysis (S3_DATA_EVENTS).")
    eks_protection: bool = Field(default=True, description="EKS audit-log analysis (EKS_AUDIT_LOGS).")
    malware_protection: bool = Field(
        default=True, description="Scan EBS volumes of flagged instances (EBS_MALWARE_PROTECTION)."
    )
    rds_protection: bool = Field(
        default=True, description="RDS login activity monitoring for Aurora/RDS (RDS_LOGIN_EVENTS)."
    )
    lambda_protection: bool = Field(
        default=True, description="Lambda network activity monitoring (LAMBDA_NETWORK_LOGS)."
    )
    runtime_monitoring: bool = Field(
        default=True,
        description="Runtime monitoring of EKS, ECS Fargate and EC2 with GuardDuty-managed agents "
        "(RUNTIME_MONITORING).",
    )
    finding_publishing_frequency: Literal["FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS"] = Field(
        default="FIFTEEN_MINUTES",
        description="How often updates of existing findings reach EventBridge; new ones go within minutes.",
    )
    notify_min_severity: Severity = Field(
        default="MEDIUM", description="Findings at or above this severity are e-mailed (notifications:)."
    )

    @property
    def features(self) -> dict[str, bool]:
        """Detector feature name -> enabled."""
        return {
            "S3_DATA_EVENTS": self.s3_protection,
            "EKS_AUDIT_LOGS": self.eks_protection,
            "EBS_MALWARE_PROTECTION": self.malware_protection,
            "RDS_LOGIN_EVENTS": self.rds_protection,
            "LAMBDA_NETWORK_LOGS": self.lambda_protection,
            "RUNTIME_MONITORING": self.runtime_monitoring,
        }

    @property
    def notify_min_score(self) -> float:
        return SEVERITY_FLOOR[self.notify_min_severity]


# Agent management that comes with RUNTIME_MONITORING: GuardDuty installs and updates its agents.
RUNTIME_AGENT_MANAGEMENT = ("EKS_ADDON_MANAGEMENT", "ECS_FARGATE_AGENT_MANAGEMENT", "EC2_AGENT_MANAGEMENT")
