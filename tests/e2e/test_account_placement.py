"""ORG-8 in the emulator: the sample's accounts exist first (in the organization root), the
organization stack adopts them (import) and moves each into its configured OU; read back from moto
with boto3, each account's OU chain carries SCP-1..5 (`list_policies_for_target`)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from modules.config import Estate
from modules.organization import guardrails as g
from tests.e2e.harness import Deployer, client, free_port, session_for
from tests.support import load_variant

pytestmark = [pytest.mark.e2e, pytest.mark.synth, pytest.mark.terraform]

# moto hands out random account ids; this server hands out the sample's, in creation order (the
# first one goes to the management account's placeholder, which moto then overwrites).
_SERVER = """
import sys
import moto.organizations.utils as utils
ids = sys.argv[1].split(",")
random_id = utils.make_random_account_id
utils.make_random_account_id = lambda: ids.pop(0) if ids else random_id()
from moto.server import main
main(["-H", "127.0.0.1", "-p", sys.argv[2]])
"""
MEMBERS = ("log_archive", "audit", "dev", "prod", "stg")


@pytest.fixture(scope="module")
def moto_with_sample_ids(sample_estate: Estate) -> Iterator[str]:
    accounts = sample_estate.accounts()
    ids = ["000000000000", *(str(accounts[role].id) for role in MEMBERS)]
    port = free_port()
    command = [sys.executable, "-c", _SERVER, ",".join(ids), str(port)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{url}/moto-api/", timeout=1)
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("moto server did not start on loopback") from None
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def _organizations(endpoint: str, estate: Estate) -> Any:
    management = str(estate.organization.accounts.management.id)
    session = session_for(endpoint, management, estate.organization.deployment.role_name)
    return client(session, "organizations", endpoint, "us-east-1")


@pytest.fixture(scope="module")
def adopted(
    moto_with_sample_ids: str, sample_estate: Estate, tmp_path_factory: pytest.TempPathFactory
) -> Any:
    """Create the organization and the accounts (all in the root), then deploy the stack."""
    from modules.synth import synthesize

    endpoint = moto_with_sample_ids
    orgs = _organizations(endpoint, sample_estate)
    organization_id = orgs.create_organization(FeatureSet="ALL")["Organization"]["Id"]
    accounts = sample_estate.accounts()
    for role in MEMBERS:
        orgs.create_account(AccountName=accounts[role].name, Email=accounts[role].email)
    created = {a["Id"] for a in orgs.list_accounts()["Accounts"]}
    assert {str(accounts[role].id) for role in MEMBERS} <= created, "moto did not use the sample's ids"

    def adopt_organization(files: dict[str, Any]) -> None:
        files["organization"]["landing_zone"]["organization_id"] = organization_id

    root = tmp_path_factory.mktemp("adopt")
    estate = load_variant(root / "env", adopt_organization)
    synthesize(estate, root / "synth", emulator_endpoint=endpoint, state_dir=root / "state")
    without_root_access_ordering(root / "synth" / "stacks" / "organization" / "cdk.tf.json")
    deployer = Deployer(root / "synth", root / "work", adopt=True)
    run = deployer.prepare("organization")
    # Only the organization's structure: the stack's organization trail needs the log-archive
    # stack's bucket, which this test does not deploy. Targets pull in OUs, SCPs and the organization.
    config = json.loads((run.directory / "cdk.tf.json").read_text())
    targets = [
        f"-target={kind}.{name}"
        for kind in ("aws_organizations_account", "aws_organizations_policy_attachment")
        for name in config["resource"].get(kind, {})
    ]
    output = ""
    for step in (
        ("init", "-input=false", "-no-color"),
        ("apply", "-auto-approve", "-input=false", "-no-color", *targets),
    ):
        result = deployer.terraform.run(run.directory, *step)
        output = result.stdout + result.stderr
        assert result.returncode == 0, f"terraform {step[0]} failed:\n{output[-4000:]}"
    run.apply_output = output
    return estate, orgs, run


def without_root_access_ordering(path: Path) -> None:
    """moto has no centralized root access (pruned, tests/e2e/exclusions.yaml); accounts only wait
    for it (`depends_on`, IAM-9), so that ordering goes instead of the accounts with it."""
    config = json.loads(path.read_text())
    for account in config["resource"].get("aws_organizations_account", {}).values():
        kept = [
            item for item in account.get("depends_on", []) if "aws_iam_organizations_features" not in item
        ]
        if kept:
            account["depends_on"] = kept
        else:
            account.pop("depends_on", None)
    path.write_text(json.dumps(config))


def _ou_path(orgs: Any, child: str) -> list[tuple[str, str]]:
    """(id, name) of every OU from the root down to the child's parent."""
    chain = []
    while True:
        parent = orgs.list_parents(ChildId=child)["Parents"][0]
        if parent["Type"] == "ROOT":
            return [(parent["Id"], "Root"), *reversed(chain)]
        name = orgs.describe_organizational_unit(OrganizationalUnitId=parent["Id"])["OrganizationalUnit"][
            "Name"
        ]
        chain.append((parent["Id"], name))
        child = parent["Id"]


def _policies(orgs: Any, target: str) -> set[str]:
    found = orgs.list_policies_for_target(TargetId=target, Filter="SERVICE_CONTROL_POLICY")["Policies"]
    return {policy["Name"] for policy in found}


def test_adoption_plans_imports_not_creates(adopted: Any) -> None:
    _, _, run = adopted
    assert "imported" in run.apply_output or "import" in run.apply_output
    assert "aws_organizations_account.account_prod: Creating" not in run.apply_output


@pytest.mark.parametrize("role", MEMBERS)
def test_account_sits_in_its_configured_ou_under_scp_1_to_5(adopted: Any, role: str) -> None:
    estate, orgs, _ = adopted
    account_id = str(estate.accounts()[role].id)
    chain = _ou_path(orgs, account_id)
    expected = g.placements(estate)[role].ou_path
    assert "/".join(name for _, name in chain[1:]) == expected
    reaching = set().union(*(_policies(orgs, target) for target, _ in chain), _policies(orgs, account_id))
    missing = [f"{name} ({g.REQUIREMENT_OF[name]})" for name in g.REQUIRED_GUARDRAILS if name not in reaching]
    assert not missing, f"{role} in {expected} is not reached by {', '.join(missing)}"
