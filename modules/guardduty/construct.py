"""GuardDuty in the audit account (delegated administrator) in every approved region (DET-1, DET-6).

Per region: the detector, its protection features, and the organization configuration that enables
GuardDuty and the same features in every member account, present and future ("ALL").
The delegation itself is registered from the management account (modules/organization/).
"""

from __future__ import annotations

from cdktf_cdktf_provider_aws.guardduty_detector import GuarddutyDetector
from cdktf_cdktf_provider_aws.guardduty_detector_feature import (
    GuarddutyDetectorFeature,
    GuarddutyDetectorFeatureAdditionalConfiguration,
)
from cdktf_cdktf_provider_aws.guardduty_organization_configuration import GuarddutyOrganizationConfiguration
from cdktf_cdktf_provider_aws.guardduty_organization_configuration_feature import (
    GuarddutyOrganizationConfigurationFeature,
    GuarddutyOrganizationConfigurationFeatureAdditionalConfiguration,
)
from constructs import Construct

from modules.deployment.construct import RegionalProviders
from modules.guardduty.config import RUNTIME_AGENT_MANAGEMENT, GuardDutyConfig


class GuardDuty(Construct):
    """`detectors` and `organization_configurations` by region."""

    def __init__(
        self, scope: Construct, construct_id: str, *, config: GuardDutyConfig, providers: RegionalProviders
    ) -> None:
        super().__init__(scope, construct_id)
        self.detectors: dict[str, GuarddutyDetector] = {}
        self.organization_configurations: dict[str, GuarddutyOrganizationConfiguration] = {}
        for region in providers.regions:
            provider = providers.for_region(region)
            detector = GuarddutyDetector(
                self,
                f"detector-{region}",
                enable=True,
                finding_publishing_frequency=config.finding_publishing_frequency,
                provider=provider,
            )
            self.organization_configurations[region] = GuarddutyOrganizationConfiguration(
                self,
                f"organization-{region}",
                detector_id=detector.id,
                auto_enable_organization_members="ALL",
                provider=provider,
            )
            for feature, enabled in config.features.items():
                slug = feature.lower().replace("_", "-")
                agents = RUNTIME_AGENT_MANAGEMENT if feature == "RUNTIME_MONITORING" else ()
                GuarddutyDetectorFeature(
                    self,
                    f"{slug}-{region}",
                    detector_id=detector.id,
                    name=feature,
                    status="ENABLED" if enabled else "DISABLED",
                    additional_configuration=[
                        GuarddutyDetectorFeatureAdditionalConfiguration(
                            name=agent, status="ENABLED" if enabled else "DISABLED"
                        )
                        for agent in agents
                    ]
                    or None,
                    provider=provider,
                )
                GuarddutyOrganizationConfigurationFeature(
                    self,
                    f"organization-{slug}-{region}",
                    detector_id=detector.id,
                    name=feature,
                    auto_enable="ALL" if enabled else "NONE",
                    additional_configuration=[
                        GuarddutyOrganizationConfigurationFeatureAdditionalConfiguration(
                            name=agent, auto_enable="ALL" if enabled else "NONE"
                        )
                        for agent in agents
                    ]
                    or None,
                    depends_on=[self.organization_configurations[region]],
                    provider=provider,
                )
            self.detectors[region] = detector
