"""IAM baseline in every account: password policy, MFA-or-nothing policy, Access Analyzer, AWS Support
role (IAM-4/5/8, CIS 1.17).

Instantiated once per stack by `AccountStack`. Access Analyzer is regional: one analyzer per
approved region. The organization analyzer sits in the audit account, which the organization
construct registers as Access Analyzer's delegated administrator (`delegated_admin_access_analyzer`).
"""

from __future__ import annotations

import json

from cdktf_cdktf_provider_aws.accessanalyzer_analyzer import AccessanalyzerAnalyzer
from cdktf_cdktf_provider_aws.iam_account_password_policy import IamAccountPasswordPolicy
from cdktf_cdktf_provider_aws.iam_policy import IamPolicy
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment
from constructs import Construct

from modules.deployment.construct import RegionalProviders
from modules.iam_baseline.baseline import (
    PASSWORD_POLICY,
    REQUIRE_MFA_POLICY_NAME,
    SUPPORT_POLICY_ARN,
    SUPPORT_ROLE_NAME,
    AnalyzerType,
    require_mfa_policy,
    support_trust_policy,
)


class IamBaseline(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        providers: RegionalProviders,
        analyzer_type: AnalyzerType,
        account_id: str,
        support_principal_arns: list[str],
    ) -> None:
        super().__init__(scope, construct_id)
        self.password_policy = IamAccountPasswordPolicy(self, "password-policy", **PASSWORD_POLICY)
        self.password_policy.override_logical_id("iam_baseline")
        self.require_mfa_policy = IamPolicy(
            self,
            "require-mfa",
            name=REQUIRE_MFA_POLICY_NAME,
            description="IAM-5: without MFA, an IAM user may only set up its own MFA device.",
            # `$${` keeps IAM's ${aws:username} away from Terraform's own interpolation.
            policy=json.dumps(require_mfa_policy(), separators=(",", ":")).replace("${", "$${"),
        )
        self.require_mfa_policy.override_logical_id("iam_baseline_require_mfa")
        self.support_role = IamRole(
            self,
            "support-role",
            name=SUPPORT_ROLE_NAME,
            description="CIS 1.17: open and manage AWS Support cases.",
            assume_role_policy=json.dumps(support_trust_policy(account_id, support_principal_arns)),
            max_session_duration=3600,
        )
        self.support_role.override_logical_id("iam_baseline_support_role")
        self.support_policy = IamRolePolicyAttachment(
            self, "support-policy", role=self.support_role.name, policy_arn=SUPPORT_POLICY_ARN
        )
        self.support_policy.override_logical_id("iam_baseline_support_role_policy")
        self.analyzers = [self._analyzer(providers, region, analyzer_type) for region in providers.regions]

    def _analyzer(
        self, providers: RegionalProviders, region: str, kind: AnalyzerType
    ) -> AccessanalyzerAnalyzer:
        analyzer = AccessanalyzerAnalyzer(
            self,
            f"access-analyzer-{region}",
            analyzer_name=f"lz-{kind.lower()}-analyzer",
            type=kind,
            provider=providers.for_region(region),
        )
        analyzer.override_logical_id(f"access_analyzer_{region}")
        return analyzer
