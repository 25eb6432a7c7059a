"""The organization in the management account: OUs, accounts, SCP guardrails, delegated admins,
alternate contacts, and in `control_tower` mode the landing zone, Account Factory and controls.

Terraform addresses are set explicitly (`override_logical_id`) from roles and config names, never
from positions, so adding an OU or an account never renames another resource.
"""

from __future__ import annotations

import json
from typing import Any, Protocol, TypeVar

from cdktf import ITerraformDependable, TerraformProvider, TerraformResource, TerraformResourceLifecycle
from cdktf_cdktf_provider_aws.account_alternate_contact import AccountAlternateContact
from cdktf_cdktf_provider_aws.controltower_control import ControltowerControl, ControltowerControlParameters
from cdktf_cdktf_provider_aws.controltower_landing_zone import ControltowerLandingZone
from cdktf_cdktf_provider_aws.organizations_account import OrganizationsAccount
from cdktf_cdktf_provider_aws.organizations_delegated_administrator import (
    OrganizationsDelegatedAdministrator,
)
from cdktf_cdktf_provider_aws.organizations_organization import OrganizationsOrganization
from cdktf_cdktf_provider_aws.organizations_organizational_unit import OrganizationsOrganizationalUnit
from cdktf_cdktf_provider_aws.organizations_policy import OrganizationsPolicy
from cdktf_cdktf_provider_aws.organizations_policy_attachment import OrganizationsPolicyAttachment
from cdktf_cdktf_provider_aws.servicecatalog_provisioned_product import (
    ServicecatalogProvisionedProduct,
    ServicecatalogProvisionedProductProvisioningParameters,
)
from constructs import Construct

from modules.config.models import Estate
from modules.deployment.construct import RegionalProviders
from modules.organization import guardrails as g
from modules.organization.config import Account, OrganizationalUnit
from modules.organization.perimeter import (
    OrganizationPerimeter,
    centralized_root_access,
    policy_types,
    service_principals,
)

# Trusted access for the services the baseline runs organization-wide; `account` lets the
# management account set alternate contacts of members.
SERVICE_ACCESS_PRINCIPALS = (
    "access-analyzer.amazonaws.com",
    "account.amazonaws.com",
    "cloudtrail.amazonaws.com",
    "config-multiaccountsetup.amazonaws.com",
    "config.amazonaws.com",
    "guardduty.amazonaws.com",
    "inspector2.amazonaws.com",
    "malware-protection.guardduty.amazonaws.com",
    "securityhub.amazonaws.com",
    "sso.amazonaws.com",
)
# Control Tower enables these itself; listing them keeps Terraform from revoking them as drift.
CONTROL_TOWER_SERVICE_ACCESS_PRINCIPALS = ("controltower.amazonaws.com",)
# Registered through Organizations; GuardDuty and Security Hub use their own per-region APIs.
DELEGATED_SERVICES = {
    "access_analyzer": "access-analyzer.amazonaws.com",
    "config": "config.amazonaws.com",
    "config_multiaccountsetup": "config-multiaccountsetup.amazonaws.com",
}
CONTACT_TYPES = ("security", "billing", "operations")
ACCOUNT_FACTORY = "AWS Control Tower Account Factory"


Resource = TypeVar("Resource", bound=TerraformResource)


def _existing_ou_ids(units: list[OrganizationalUnit], parent: str = "") -> dict[str, str]:
    """OU path -> id of every OU the config says already exists (adopted by import)."""
    found: dict[str, str] = {}
    for unit in units:
        path = f"{parent}/{unit.name}" if parent else unit.name
        if unit.id is not None:
            found[path] = unit.id
        found.update(_existing_ou_ids(unit.children, path))
    return found


def _address(resource: Resource, name: str) -> Resource:
    """Pin the Terraform address: `<type>.<name>`, dashes turned into underscores."""
    resource.override_logical_id(name.replace("-", "_"))
    return resource


Admin_co = TypeVar("Admin_co", bound=TerraformResource, covariant=True)


class RegionalAdminAccount(Protocol[Admin_co]):
    """GuardDuty's and Security Hub's organization admin resources: one per region."""

    def __call__(
        self,
        scope: Construct,
        id_: str,
        *,
        admin_account_id: str,
        provider: TerraformProvider,
        depends_on: list[ITerraformDependable],
    ) -> Admin_co: ...


def delegate_per_region(
    organization: Organization, service: str, resource: RegionalAdminAccount[Resource]
) -> dict[str, Resource]:
    """The audit account as `service`'s administrator in every approved region, for services that
    designate it per region through their own API rather than through Organizations.

    Made inside the organization construct under pinned logical IDs
    (`delegated_admin_<service>_<region>`), so the Terraform addresses never move.
    """
    admins = {}
    for region in organization.providers.regions:
        admin = resource(
            organization,
            f"{service}-admin-{region}",
            admin_account_id=organization.account_ids["audit"],
            provider=organization.providers.for_region(region),
            depends_on=[organization.organization],
        )
        admins[region] = _address(admin, f"delegated_admin_{service}_{region}")
    return admins


class Organization(Construct):
    """Everything the management account owns. Attributes expose what was created, by role/name."""

    def __init__(
        self, scope: Construct, construct_id: str, *, estate: Estate, providers: RegionalProviders
    ) -> None:
        super().__init__(scope, construct_id)
        self._estate = estate
        self.providers = providers
        self._control_tower = estate.control_tower_mode
        self.organization = self._organization()
        self.landing_zone = self._landing_zone() if self._control_tower else None
        self.organizational_units = self._organizational_units()
        self.root_access = centralized_root_access(self, estate, self.organization)  # IAM-9
        self.account_ids: dict[str, str] = {}  # role -> account id (literal, or a reference for new ones)
        self.new_accounts: dict[str, TerraformResource] = {}
        self.adopted_accounts: dict[str, TerraformResource] = {}
        self._accounts()
        self.policies = self._policies()
        self.policy_attachments = self._policy_attachments()
        self.controls = self._controls() if self._control_tower else {}
        self.delegated_administrators = self._delegated_administrators()
        self.alternate_contacts = self._alternate_contacts()
        # RCPs (ORG-6) and the declarative EC2 policy (ORG-7): modules/organization/perimeter.py
        self.perimeter = OrganizationPerimeter(
            self, "perimeter", estate=estate, organization=self.organization, target_id=self._target_id
        )

    # --- structure --------------------------------------------------------------------------------

    def _organization(self) -> OrganizationsOrganization:
        principals = [*SERVICE_ACCESS_PRINCIPALS, *service_principals(self._estate)]
        if self._control_tower:
            principals += CONTROL_TOWER_SERVICE_ACCESS_PRINCIPALS
        organization = OrganizationsOrganization(
            self,
            "organization",
            feature_set="ALL",
            enabled_policy_types=["SERVICE_CONTROL_POLICY", *policy_types(self._estate)],
            aws_service_access_principals=sorted(principals),
            lifecycle=TerraformResourceLifecycle(prevent_destroy=True),
        )
        _address(organization, "organization")
        existing = self._estate.organization.landing_zone.organization_id
        if existing is not None:
            organization.import_from(existing)  # adopt: the plan shows "import", never a create
        return organization

    @property
    def root_id(self) -> str:
        return str(self.organization.roots.get(0).id)

    def _landing_zone(self) -> ControltowerLandingZone:
        org = self._estate.organization
        retention = {"retentionDays": org.log_archive.retention_days}
        manifest = {
            "governedRegions": org.approved_regions,
            "organizationStructure": {"security": {"name": org.landing_zone.security_ou}},
            "centralizedLogging": {
                "accountId": org.accounts.log_archive.id,
                "configurations": {"loggingBucket": retention, "accessLoggingBucket": retention},
                "enabled": True,
            },
            "securityRoles": {"accountId": org.accounts.audit.id},
            "accessManagement": {"enabled": org.landing_zone.control_tower.access_management},
        }
        landing_zone = ControltowerLandingZone(
            self,
            "landing-zone",
            version=org.landing_zone.control_tower.version,
            manifest_json=json.dumps(manifest, sort_keys=True),
            depends_on=[self.organization],
            lifecycle=TerraformResourceLifecycle(prevent_destroy=True),
        )
        _address(landing_zone, "landing_zone")
        return landing_zone

    def _organizational_units(self) -> dict[str, OrganizationsOrganizationalUnit]:
        units: dict[str, OrganizationsOrganizationalUnit] = {}
        existing = _existing_ou_ids(self._estate.organization.organizational_units)
        for path in g.managed_ou_paths(self._estate):  # parents first
            parent, _, name = path.rpartition("/")
            unit = OrganizationsOrganizationalUnit(
                self, f"ou-{path}", name=name, parent_id=units[parent].id if parent else self.root_id
            )
            units[path] = _address(unit, g.Target("ou", path).slug)
            if path in existing:
                unit.import_from(existing[path])
        return units

    def _parent_id(self, role: str) -> str:
        return str(self.organizational_units[g.account_ou(self._estate)[role]].id)

    def _accounts(self) -> None:
        """Member accounts sit in their configured OU: created, or adopted (import) and moved there.

        The management account stays at the root and is only referenced. In `control_tower` mode
        Account Factory owns placement: existing accounts are referenced, new ones provisioned.
        """
        placements = g.placements(self._estate)
        for role, account in self._estate.accounts().items():
            how = placements[role].how if role in placements else None
            if account.id is not None and how != "adopted":
                self.account_ids[role] = account.id
            elif self._control_tower:
                self._account_factory(role, account)
            else:
                self._member_account(role, account)

    def _member_account(self, role: str, account: Account) -> None:
        """`aws_organizations_account` with `parent_id` = its OU; an existing one is imported by id.

        Never closed nor removed: `close_on_deletion=False`, `prevent_destroy`, and the review's
        change safety fails any planned destroy or replace of an account (LZ_CHG_001).
        """
        new = account.id is None
        created = OrganizationsAccount(
            self,
            f"account-{role}",
            name=account.name,
            email=account.email,
            parent_id=self._parent_id(role),
            # Organizations creates the deployment role, so the account's own stack can deploy at once.
            # Both are create-only and unreadable: an adopted account sets neither (no replace).
            role_name=self._estate.organization.deployment.role_name if new else None,
            iam_user_access_to_billing="ALLOW" if new else None,
            close_on_deletion=False,
            depends_on=[self.root_access] if self.root_access else None,  # IAM-9: no root credentials
            # The API cannot read role_name back; without this every plan would want to replace.
            lifecycle=TerraformResourceLifecycle(
                prevent_destroy=True,
                ignore_changes=["role_name"] if new else ["role_name", "iam_user_access_to_billing"],
            ),
        )
        _address(created, f"account_{role}")
        if account.id is not None:
            created.import_from(account.id)  # adopt: the plan shows "import", never a create
            self.adopted_accounts[role] = created
            self.account_ids[role] = account.id  # literal: the account's own stack needs no lookup
            return
        self.new_accounts[role] = created
        self.account_ids[role] = str(created.id)

    def _account_factory(self, role: str, account: Account) -> None:
        ou_path = g.account_ou(self._estate)[role]
        unit = self.organizational_units[ou_path]
        ct = self._estate.organization.landing_zone.control_tower
        parameters = {
            "AccountName": account.name,
            "AccountEmail": account.email,
            "ManagedOrganizationalUnit": f"{ou_path.rpartition('/')[2]} ({unit.id})",
            "SSOUserEmail": account.email,
            "SSOUserFirstName": ct.sso_user_first_name,
            "SSOUserLastName": ct.sso_user_last_name,
        }
        product = ServicecatalogProvisionedProduct(
            self,
            f"account-factory-{role}",
            name=account.name,
            product_name=ACCOUNT_FACTORY,
            provisioning_artifact_name=ACCOUNT_FACTORY,
            provisioning_parameters=[
                ServicecatalogProvisionedProductProvisioningParameters(key=key, value=value)
                for key, value in parameters.items()
            ],
            depends_on=[self.landing_zone] if self.landing_zone else None,
            lifecycle=TerraformResourceLifecycle(prevent_destroy=True),
        )
        address = f"account_factory_{role}".replace("-", "_")
        _address(product, address)
        self.new_accounts[role] = product
        # Account Factory reports the new account's id as the product output `AccountId`.
        self.account_ids[role] = (
            "${[for o in aws_servicecatalog_provisioned_product."
            + address
            + '.outputs : o.value if o.key == "AccountId"][0]}'
        )

    # --- guardrails -------------------------------------------------------------------------------

    def _policies(self) -> dict[str, OrganizationsPolicy]:
        policies = {}
        for name, scp in g.render_estate_scps(self._estate).items():
            policy = OrganizationsPolicy(
                self,
                f"scp-{name}",
                name=name,
                description=scp.description,
                type="SERVICE_CONTROL_POLICY",
                content=scp.text,
                depends_on=[self.organization],
            )
            policies[name] = _address(policy, f"scp_{name}")
        return policies

    def _target_id(self, target: g.Target) -> str:
        if target.kind == "root":
            return self.root_id
        if target.kind == "ou":
            return str(self.organizational_units[target.name].id)
        return self.account_ids[target.name]

    def _policy_attachments(self) -> dict[tuple[str, g.Target], OrganizationsPolicyAttachment]:
        attached = {}
        for attachment in g.attachments(self._estate):
            for name in attachment.guardrails:
                if name not in self.policies:
                    continue  # a Control Tower control in this mode
                resource = OrganizationsPolicyAttachment(
                    self,
                    f"scp-{name}-{attachment.target.slug}",
                    policy_id=self.policies[name].id,
                    target_id=self._target_id(attachment.target),
                )
                _address(resource, f"scp_{name}__{attachment.target.slug}")
                attached[(name, attachment.target)] = resource
        return attached

    def _controls(self) -> dict[tuple[str, g.Target], ControltowerControl]:
        """Control Tower's own controls for the guardrails it implements (CT mode only)."""
        ct = self._estate.organization.landing_zone.control_tower
        home = self._estate.organization.home_region
        controls = {}
        for attachment in g.attachments(self._estate):
            for name in attachment.guardrails:
                if g.is_scp(self._estate, name):
                    continue
                control_id = getattr(ct, g.CONTROL_TOWER_GUARDRAILS[name])
                control = ControltowerControl(
                    self,
                    f"control-{name}-{attachment.target.slug}",
                    control_identifier=f"arn:aws:controltower:{home}::control/{control_id}",
                    target_identifier=self.organizational_units[attachment.target.name].arn,
                    parameters=self._control_parameters(name),
                    depends_on=[self.landing_zone] if self.landing_zone else None,
                )
                _address(control, f"control_{name}__{attachment.target.slug}")
                controls[(name, attachment.target)] = control
        return controls

    def _control_parameters(self, guardrail: str) -> list[ControltowerControlParameters]:
        if guardrail != g.REGION_DENY:
            return []
        context = g.scp_context(self._estate)
        values: dict[str, Any] = {
            "AllowedRegions": list(context.approved_regions),
            "ExemptedPrincipalArns": list(context.region_exempt_principal_arns),
        }
        extra = self._estate.organization.guardrails.extra_global_actions
        if extra:  # Control Tower keeps its own list of global services; ours only adds to it
            values["ExemptedActions"] = extra
        return [ControltowerControlParameters(key=k, value=json.dumps(v)) for k, v in values.items()]

    # --- delegation and contacts --------------------------------------------------------------------

    def _delegated_administrators(self) -> dict[str, TerraformResource]:
        audit = self.account_ids["audit"]
        admins: dict[str, TerraformResource] = {}
        for key, principal in DELEGATED_SERVICES.items():
            resource = OrganizationsDelegatedAdministrator(
                self,
                f"delegated-admin-{key}",
                account_id=audit,
                service_principal=principal,
                depends_on=[self.organization],
            )
            admins[key] = _address(resource, f"delegated_admin_{key}")
        return admins  # GuardDuty's and Security Hub's, per region: modules/guardduty, modules/security_hub

    def _alternate_contacts(self) -> dict[tuple[str, str], AccountAlternateContact]:
        contacts_config = self._estate.organization.contacts
        contacts = {}
        for role in self._estate.accounts():
            for kind in CONTACT_TYPES:
                contact = getattr(contacts_config, kind)
                resource = AccountAlternateContact(
                    self,
                    f"contact-{role}-{kind}",
                    # The management account sets its own contacts without an account id (API rule).
                    account_id=None if role == "management" else self.account_ids[role],
                    alternate_contact_type=kind.upper(),
                    name=contact.name,
                    title=contact.title,
                    email_address=contact.email,
                    phone_number=contact.phone,
                    depends_on=[self.organization],
                )
                contacts[(role, kind)] = _address(resource, f"contact_{role}_{kind}")
        return contacts
