"""RCPs (ORG-6), the declarative EC2 policy (ORG-7) and centralized root access (IAM-9).

Built by `Organization` in the management account after the OUs and accounts exist. Addresses are
`rcp_<name>`, `rcp_<name>__<target>`, `declarative_<name>`, `declarative_<name>__<target>` and
`root_access`: stable, from config names only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from cdktf import TerraformResource
from cdktf_cdktf_provider_aws.iam_organizations_features import IamOrganizationsFeatures
from cdktf_cdktf_provider_aws.organizations_organization import OrganizationsOrganization
from cdktf_cdktf_provider_aws.organizations_policy import OrganizationsPolicy
from cdktf_cdktf_provider_aws.organizations_policy_attachment import OrganizationsPolicyAttachment
from constructs import Construct

from modules.organization import declarative as d
from modules.organization import guardrails as g
from modules.organization import rcp as r

if TYPE_CHECKING:
    from modules.config.models import Estate

RESOURCE_CONTROL_POLICY = "RESOURCE_CONTROL_POLICY"
DECLARATIVE_POLICY_EC2 = "DECLARATIVE_POLICY_EC2"
# Trusted access the IAM centralized root access needs.
ROOT_ACCESS_PRINCIPAL = "iam.amazonaws.com"
MACIE_PRINCIPAL = "macie.amazonaws.com"

TargetId = Callable[[g.Target], str]


def policy_types(estate: Estate) -> list[str]:
    """The policy types to enable on the organization besides SCPs."""
    types = []
    if r.rcps_enabled(estate):
        types.append(RESOURCE_CONTROL_POLICY)
    if estate.organization.declarative_policies.enabled:
        types.append(DECLARATIVE_POLICY_EC2)
    return types


def service_principals(estate: Estate) -> list[str]:
    """Trusted access for root access management (IAM-9) and Macie (DET-6) when they are on."""
    principals = [ROOT_ACCESS_PRINCIPAL] if estate.organization.root_access.features else []
    if estate.organization.macie.enabled:
        principals.append(MACIE_PRINCIPAL)
    return principals


Resource = TypeVar("Resource", bound=TerraformResource)


def _address(resource: Resource, name: str) -> Resource:
    resource.override_logical_id(name.replace("-", "_"))
    return resource


def centralized_root_access(
    scope: Construct, estate: Estate, organization: OrganizationsOrganization
) -> IamOrganizationsFeatures | None:
    """IAM-9: enabled before any account is created, so new accounts never get root credentials."""
    features = estate.organization.root_access.features
    if not features:
        return None
    resource = IamOrganizationsFeatures(
        scope, "root-access", enabled_features=features, depends_on=[organization]
    )
    resource.override_logical_id("root_access")
    return resource


class OrganizationPerimeter(Construct):
    """`rcps` and `declarative` (policies by name) and every attachment by (address, target)."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        estate: Estate,
        organization: OrganizationsOrganization,
        target_id: TargetId,
    ) -> None:
        super().__init__(scope, construct_id)
        self._organization = organization
        self._target_id = target_id
        self.rcps: dict[str, OrganizationsPolicy] = {}
        self.attachments: dict[tuple[str, g.Target], OrganizationsPolicyAttachment] = {}
        self.declarative: dict[str, OrganizationsPolicy] = {}
        for name, rendered in r.render_estate_rcps(estate).items():
            self.rcps[name] = self._policy(
                f"rcp_{name}",
                name,
                rendered.description,
                RESOURCE_CONTROL_POLICY,
                rendered.content(str(organization.id)),
            )
        for attachment in r.rcp_attachments(estate):
            for name in attachment.guardrails:
                self._attach(f"rcp_{name}__{attachment.target.slug}", self.rcps[name], attachment.target)
        for policy in d.declarative_policies(estate):
            created = self._policy(
                f"declarative_{policy.name}",
                policy.name,
                policy.description,
                DECLARATIVE_POLICY_EC2,
                policy.text,
            )
            self.declarative[policy.name] = created
            self._attach(f"declarative_{policy.name}__{policy.target.slug}", created, policy.target)

    def _policy(
        self, address: str, name: str, description: str, kind: str, content: str
    ) -> OrganizationsPolicy:
        policy = OrganizationsPolicy(
            self,
            address,
            name=name,
            description=description,
            type=kind,
            content=content,
            depends_on=[self._organization],
        )
        _address(policy, address)
        return policy

    def _attach(self, address: str, policy: OrganizationsPolicy, target: g.Target) -> None:
        resource = OrganizationsPolicyAttachment(
            self, address, policy_id=policy.id, target_id=self._target_id(target)
        )
        _address(resource, address)
        self.attachments[(address, target)] = resource
