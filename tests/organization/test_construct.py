"""The synthesized organization stack: guardrails as validated, delegation, contacts, and the two
landing-zone modes never creating the same thing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from modules.config import Estate
from modules.organization import guardrails as g
from tests.support import load_variant, resources, synthesize_to

pytestmark = pytest.mark.synth

ROOT_ID = "${aws_organizations_organization.organization.roots[0].id}"
AUDIT = "333333333333"
# What Control Tower sets up in control_tower mode (ORG-2): its organization trail covers every
# account; its Config recorder every enrolled (member) account, not the management account.
CONTROL_TOWER_TRAIL = ("aws_cloudtrail",)
CONTROL_TOWER_MEMBER_CONFIG = ("aws_config_configuration_recorder", "aws_config_delivery_channel")
# Control Tower's own buckets in the sample's log-archive account and home region.
CONTROL_TOWER_LOG_BUCKETS = (
    "aws-controltower-logs-222222222222-ap-northeast-1",
    "aws-controltower-s3-access-logs-222222222222-ap-northeast-1",
)
# Trusted access in the sample organization, sorted as synthesized.
SAMPLE_SERVICE_ACCESS_PRINCIPALS = [
    "access-analyzer.amazonaws.com",
    "account.amazonaws.com",
    "cloudtrail.amazonaws.com",
    "config-multiaccountsetup.amazonaws.com",
    "config.amazonaws.com",
    "guardduty.amazonaws.com",
    "iam.amazonaws.com",
    "inspector2.amazonaws.com",
    "macie.amazonaws.com",
    "malware-protection.guardduty.amazonaws.com",
    "securityhub.amazonaws.com",
    "sso.amazonaws.com",
]
CONTROL_TOWER_ONLY = (
    "aws_controltower_landing_zone",
    "aws_controltower_control",
    "aws_servicecatalog_provisioned_product",
)


def new_dev_account(files: dict[str, Any]) -> None:
    del files["dev"]["account"]["id"]


def control_tower(files: dict[str, Any]) -> None:
    files["organization"]["landing_zone"]["mode"] = "control_tower"
    new_dev_account(files)


@pytest.fixture(scope="module")
def variants(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Estate, dict[str, Any]]]:
    """name -> (estate, every synthesized stack) for the variants this module needs."""
    built = {}
    for name, edit in {"new-account": new_dev_account, "control-tower": control_tower}.items():
        root = tmp_path_factory.mktemp(name)
        estate = load_variant(root / "env", edit)
        built[name] = (estate, synthesize_to(estate, root / "out"))
    return built


def scp_resources(stack: dict[str, Any]) -> dict[str, dict[str, Any]]:
    policies = resources(stack, "aws_organizations_policy")
    return {name: p for name, p in policies.items() if p["type"] == "SERVICE_CONTROL_POLICY"}


def ref(resource_type: str, name: str, attribute: str = "id") -> str:
    return f"${{{resource_type}.{name}.{attribute}}}"


def ou_ref(path: str, attribute: str = "id") -> str:
    return ref(
        "aws_organizations_organizational_unit", g.Target("ou", path).slug.replace("-", "_"), attribute
    )


def test_organization_has_all_features_scps_and_trusted_services(sample_stacks: dict[str, Any]) -> None:
    (organization,) = resources(sample_stacks["organization"], "aws_organizations_organization").values()
    assert organization["feature_set"] == "ALL"
    # Written out, not rebuilt from the constructs' constants: the sample turns on RCPs and the
    # declarative EC2 policy (their content: tests/perimeter), root access management (iam), Macie.
    assert organization["enabled_policy_types"] == [
        "SERVICE_CONTROL_POLICY",
        "RESOURCE_CONTROL_POLICY",
        "DECLARATIVE_POLICY_EC2",
    ]
    assert organization["aws_service_access_principals"] == SAMPLE_SERVICE_ACCESS_PRINCIPALS
    assert organization["lifecycle"]["prevent_destroy"] is True


def test_ous_are_nested_parents_first(sample_stacks: dict[str, Any]) -> None:
    units = resources(sample_stacks["organization"], "aws_organizations_organizational_unit")
    assert {name: (unit["name"], unit["parent_id"]) for name, unit in units.items()} == {
        "ou_security": ("Security", ROOT_ID),
        "ou_workloads": ("Workloads", ROOT_ID),
        "ou_workloads_prod": ("Prod", ou_ref("Workloads")),
        "ou_workloads_nonprod": ("NonProd", ou_ref("Workloads")),
    }


MEMBER_IDS = {"log_archive": "222222222222", "audit": "333333333333"}
MEMBER_OUS = {"log_archive": "Security", "audit": "Security", "prod": "Workloads/Prod"}


def test_existing_accounts_are_adopted_and_placed_in_their_ou(sample_stacks: dict[str, Any]) -> None:
    """Existing member accounts are imported (never created) and their parent is their OU, so the
    OU's SCPs reach them; the management account stays at the root, only referenced."""
    stack = sample_stacks["organization"]
    accounts = resources(stack, "aws_organizations_account")
    imports = {entry["to"]: entry["id"] for entry in stack.get("import", [])}
    assert set(accounts) == {
        "account_log_archive",
        "account_audit",
        "account_prod",
        "account_stg",
        "account_dev",
    }
    for role, path in MEMBER_OUS.items():
        assert accounts[f"account_{role}"]["parent_id"] == ou_ref(path), role
    for role, account in accounts.items():
        assert imports[f"aws_organizations_account.{role}"].isdigit()
        assert account["close_on_deletion"] is False
        assert account["lifecycle"]["prevent_destroy"] is True
        assert "role_name" not in account  # create-only: an adopted account would be replaced
    assert imports["aws_organizations_account.account_audit"] == MEMBER_IDS["audit"]
    assert not any("management" in name for name in accounts)
    assert not any(to.startswith("aws_organizations_organization.") for to in imports)


def test_moving_an_environment_to_another_ou_changes_its_parent(tmp_path: Path) -> None:
    """The config's OU is what the synthesized Terraform acts on (it was once ignored)."""

    def move(files: dict[str, Any]) -> None:
        files["prod"]["organizational_unit"] = "Workloads/NonProd"

    estate = load_variant(tmp_path / "env", move)
    stack = synthesize_to(estate, tmp_path / "out")["organization"]
    account = resources(stack, "aws_organizations_account")["account_prod"]
    assert account["parent_id"] == ou_ref("Workloads/NonProd")


def test_existing_organization_and_ous_are_adopted(tmp_path: Path) -> None:
    def adopt(files: dict[str, Any]) -> None:
        org = files["organization"]
        org["landing_zone"]["organization_id"] = "o-a1b2c3d4e5"
        org["organizational_units"][1]["id"] = "ou-ab12-cdef3456"

    estate = load_variant(tmp_path / "env", adopt)
    stack = synthesize_to(estate, tmp_path / "out")["organization"]
    imports = {entry["to"]: entry["id"] for entry in stack["import"]}
    assert imports["aws_organizations_organization.organization"] == "o-a1b2c3d4e5"
    assert imports["aws_organizations_organizational_unit.ou_workloads"] == "ou-ab12-cdef3456"
    assert "aws_organizations_organizational_unit.ou_security" not in imports


def test_scps_are_the_validated_documents(sample_estate: Estate, sample_stacks: dict[str, Any]) -> None:
    policies = scp_resources(sample_stacks["organization"])
    rendered = g.render_estate_scps(sample_estate)
    assert {p["name"] for p in policies.values()} == set(rendered)
    for policy in policies.values():
        scp = rendered[policy["name"]]
        assert policy["type"] == "SERVICE_CONTROL_POLICY"
        assert policy["content"] == scp.text  # byte for byte what lz validate measured
        assert policy["description"] == scp.description


def test_attachments_follow_config(sample_stacks: dict[str, Any]) -> None:
    stack = sample_stacks["organization"]
    policy_names = {name: p["name"] for name, p in scp_resources(stack).items()}
    attached = set()
    for attachment in resources(stack, "aws_organizations_policy_attachment").values():
        policy = attachment["policy_id"].removeprefix("${aws_organizations_policy.").removesuffix(".id}")
        if policy in policy_names:  # RCP and declarative attachments: tests/perimeter
            attached.add((policy_names[policy], attachment["target_id"]))
    root_scps = ["deny-leave-organization", "deny-root-user", "log-protection", "protect-security-services"]
    expected = {
        *((name, ROOT_ID) for name in root_scps),
        *(
            (name, ou_ref(ou))
            for name in ["region-deny", "deny-iam-access-keys"]
            for ou in ["Security", "Workloads"]
        ),
    }
    assert attached == expected


def test_audit_account_is_delegated_admin(sample_stacks: dict[str, Any]) -> None:
    stack = sample_stacks["organization"]
    delegated = resources(stack, "aws_organizations_delegated_administrator").values()
    assert {(d["service_principal"], d["account_id"]) for d in delegated} == {
        ("access-analyzer.amazonaws.com", AUDIT),
        ("config.amazonaws.com", AUDIT),
        ("config-multiaccountsetup.amazonaws.com", AUDIT),
    }
    for resource_type in (
        "aws_guardduty_organization_admin_account",
        "aws_securityhub_organization_admin_account",
    ):
        admins = resources(stack, resource_type).values()
        assert {(a["admin_account_id"], a.get("provider", "aws")) for a in admins} == {
            (AUDIT, "aws"),
            (AUDIT, "aws.ap-northeast-3"),
        }


def test_every_account_has_three_alternate_contacts(
    sample_estate: Estate, sample_stacks: dict[str, Any]
) -> None:
    contacts = resources(sample_stacks["organization"], "aws_account_alternate_contact").values()
    accounts = sample_estate.accounts()
    expected = {
        (None if role == "management" else account.id, kind)
        for role, account in accounts.items()
        for kind in ("SECURITY", "BILLING", "OPERATIONS")
    }
    assert {(c.get("account_id"), c["alternate_contact_type"]) for c in contacts} == expected
    security = sample_estate.organization.contacts.security
    assert all(
        c["email_address"] == security.email for c in contacts if c["alternate_contact_type"] == "SECURITY"
    )


def test_organizations_mode_creates_no_control_tower_resources(sample_stacks: dict[str, Any]) -> None:
    for stack in sample_stacks.values():
        for resource_type in CONTROL_TOWER_ONLY:
            assert resources(stack, resource_type) == {}


def test_new_account_is_created_in_its_ou_with_the_deployment_role(variants: dict[str, Any]) -> None:
    _, stacks = variants["new-account"]
    stack = stacks["organization"]
    account = resources(stack, "aws_organizations_account")["account_dev"]
    assert "aws_organizations_account.account_dev" not in {i["to"] for i in stack.get("import", [])}
    assert (account["name"], account["email"]) == ("acme-dev", "aws-dev@acme.example")
    assert account["parent_id"] == ou_ref("Workloads/NonProd")
    assert account["role_name"] == "LandingZoneDeployer"
    assert account["close_on_deletion"] is False
    assert account["lifecycle"] == {"ignore_changes": ["role_name"], "prevent_destroy": True}
    contact = resources(stack, "aws_account_alternate_contact")["contact_dev_security"]
    assert contact["account_id"] == ref("aws_organizations_account", "account_dev")
    assert "dev" not in stacks  # its own stack waits for the id (topology.pending)


def test_control_tower_landing_zone_manifest(variants: dict[str, Any]) -> None:
    estate, stacks = variants["control-tower"]
    (landing_zone,) = resources(stacks["organization"], "aws_controltower_landing_zone").values()
    manifest = json.loads(landing_zone["manifest_json"])
    org = estate.organization
    assert manifest["governedRegions"] == org.approved_regions
    assert manifest["organizationStructure"] == {"security": {"name": "Security"}}
    assert manifest["centralizedLogging"]["accountId"] == org.accounts.log_archive.id
    assert manifest["centralizedLogging"]["configurations"]["loggingBucket"]["retentionDays"] >= 365
    assert manifest["securityRoles"]["accountId"] == org.accounts.audit.id
    assert landing_zone["version"] == org.landing_zone.control_tower.version


def test_control_tower_accounts_come_from_account_factory(variants: dict[str, Any]) -> None:
    _, stacks = variants["control-tower"]
    stack = stacks["organization"]
    assert resources(stack, "aws_organizations_account") == {}
    (product,) = resources(stack, "aws_servicecatalog_provisioned_product").values()
    parameters = {p["key"]: p["value"] for p in product["provisioning_parameters"]}
    assert parameters["AccountEmail"] == "aws-dev@acme.example"
    assert parameters["ManagedOrganizationalUnit"] == f"NonProd ({ou_ref('Workloads/NonProd')})"
    assert product["depends_on"] == ["aws_controltower_landing_zone.landing_zone"]
    contact = resources(stack, "aws_account_alternate_contact")["contact_dev_security"]
    assert "aws_servicecatalog_provisioned_product.account_factory_dev.outputs" in contact["account_id"]


def test_control_tower_mode_never_duplicates_what_control_tower_owns(variants: dict[str, Any]) -> None:
    estate, stacks = variants["control-tower"]
    stack = stacks["organization"]
    # Region deny: Control Tower's control on our OUs, no SCP of ours.
    policies = resources(stack, "aws_organizations_policy").values()
    assert "region-deny" not in {p["name"] for p in policies}
    assert not any("aws:RequestedRegion" in p["content"] for p in policies)
    controls = resources(stack, "aws_controltower_control").values()
    assert {c["target_identifier"] for c in controls} == {ou_ref("Workloads", "arn")}
    (control,) = controls
    parameters = {p["key"]: json.loads(p["value"]) for p in control["parameters"]}
    assert parameters["AllowedRegions"] == estate.organization.approved_regions
    assert "arn:aws:iam::*:role/BreakGlassAdmin" in parameters["ExemptedPrincipalArns"]
    # Control Tower creates the security OU and its trail and Config: nothing of ours does.
    units = resources(stack, "aws_organizations_organizational_unit").values()
    assert "Security" not in {unit["name"] for unit in units}
    for name, synthesized in stacks.items():
        owned = CONTROL_TOWER_MEMBER_CONFIG if name != "organization" else ()
        for resource_type in owned:
            assert resources(synthesized, resource_type) == {}, (name, resource_type)
        for trail in resources(synthesized, CONTROL_TOWER_TRAIL[0]).values():
            # Only LOG-7's S3 data events, which Control Tower's trail does not record.
            assert [s["name"] for s in trail["advanced_event_selector"]] == ["S3 data events"], name
    (organization,) = resources(stack, "aws_organizations_organization").values()
    # Control Tower enables its own trusted access; listed, Terraform never revokes it as drift.
    assert organization["aws_service_access_principals"] == sorted(
        [*SAMPLE_SERVICE_ACCESS_PRINCIPALS, "controltower.amazonaws.com"]
    )


def test_control_tower_guards_its_own_log_buckets(variants: dict[str, Any]) -> None:
    estate, stacks = variants["control-tower"]
    policies = {p["name"]: p for p in resources(stacks["organization"], "aws_organizations_policy").values()}
    content = policies["log-protection"]["content"]
    for bucket in (estate.log_bucket, *CONTROL_TOWER_LOG_BUCKETS):
        assert f"arn:aws:s3:::{bucket}/*" in content


def test_addresses_do_not_depend_on_declaration_order(tmp_path: Path, sample_stacks: dict[str, Any]) -> None:
    """Swapping two OUs in the YAML keeps every Terraform address (construct IDs are names)."""

    def swap(files: dict[str, Any]) -> None:
        files["organization"]["organizational_units"].reverse()

    estate = load_variant(tmp_path / "env", swap)
    swapped = synthesize_to(estate, tmp_path / "out")["organization"]["resource"]
    original = sample_stacks["organization"]["resource"]
    assert {t: sorted(r) for t, r in swapped.items()} == {t: sorted(r) for t, r in original.items()}


def _plan_from(synthesized: dict[str, Any]) -> dict[str, Any]:
    """A stand-in plan (known values only) for checks that read `planned_values`."""
    resources_ = [
        {"address": f"{kind}.{name}", "mode": "managed", "type": kind, "name": name, "values": body}
        for kind, named in synthesized.get("resource", {}).items()
        for name, body in named.items()
    ]
    return {"planned_values": {"root_module": {"resources": resources_}}}


def test_review_checks_pass_on_the_control_tower_variant(variants: dict[str, Any]) -> None:
    """The control_tower branch of the SCP review checks (the fixtures cover organizations mode)."""
    from modules.review.checks import CheckContext, load_checks
    from modules.review.model import StackView
    from tests.support import ROOT

    estate, stacks = variants["control-tower"]
    views = {name: StackView(name, body, _plan_from(body)) for name, body in stacks.items()}
    checks = {c.id: c for c in load_checks(ROOT / "policies" / "checks") if c.id.startswith("LZ_SCP_")}
    results = [r for check in checks.values() for r in check.run(CheckContext(estate, views))]
    assert {r.check_id for r in results} == {"LZ_SCP_001", "LZ_SCP_002", "LZ_SCP_003"}
    assert [r for r in results if not r.passed] == []
    addresses = {r.address for r in results}
    assert "aws_controltower_control.control_region_deny__ou_workloads" in addresses
    ct_logs, ct_access_logs = CONTROL_TOWER_LOG_BUCKETS
    assert {f"log-bucket/{ct_logs}", f"log-bucket/{ct_access_logs}"} <= addresses
