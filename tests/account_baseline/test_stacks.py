"""NET-7: every account, every approved region: the default VPC closed (or removed); core accounts get
EBS encryption by default and the S3 account public access block too."""

from __future__ import annotations

from typing import Any

import pytest

from modules.account_baseline.placement import default_vpc_mode
from modules.config import Estate
from tests.support import load_variant, resources, synthesize_to

pytestmark = pytest.mark.synth

REGIONS = ("ap-northeast-1", "ap-northeast-3")
STACKS = ("organization", "log-archive", "security", "prod", "stg", "dev")
CORE = ("organization", "log-archive", "security")


def _by_provider(stack_resources: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Resources keyed by the region their provider points at (the home region has no alias)."""
    found = {}
    for body in stack_resources.values():
        provider = body.get("provider", "aws")
        region = provider.partition(".")[2] or "ap-northeast-1"
        found[region] = body
    return found


@pytest.mark.parametrize("stack", STACKS)
def test_default_vpc_is_closed_in_every_region(sample_stacks: dict[str, Any], stack: str) -> None:
    synthesized = sample_stacks[stack]
    vpcs = _by_provider(resources(synthesized, "aws_default_vpc"))
    assert sorted(vpcs) == sorted(REGIONS)
    assert all(vpc["force_destroy"] is True for vpc in vpcs.values())  # `remove` later really deletes it
    groups = _by_provider(
        {
            name: group
            for name, group in resources(synthesized, "aws_default_security_group").items()
            if group["vpc_id"].startswith("${aws_default_vpc.")  # environments also close their own VPC's
        }
    )
    assert sorted(groups) == sorted(REGIONS)
    for group in groups.values():
        assert "ingress" not in group and "egress" not in group  # no rules: closed (NET-4)
    acls = _by_provider(
        {
            name: acl
            for name, acl in resources(synthesized, "aws_default_network_acl").items()
            if acl["default_network_acl_id"].startswith("${aws_default_vpc.")
        }
    )
    assert sorted(acls) == sorted(REGIONS)
    for acl in acls.values():
        assert "ingress" not in acl and "egress" not in acl
        assert acl["default_network_acl_id"].endswith(".default_network_acl_id}")
    flow_logs = [
        f
        for f in resources(synthesized, "aws_flow_log").values()
        if str(f["vpc_id"]).startswith("${aws_default_vpc.")
    ]
    assert len(flow_logs) == len(REGIONS)
    assert all(f["log_destination_type"] == "s3" and f["traffic_type"] == "ALL" for f in flow_logs)


@pytest.mark.parametrize("stack", CORE)
def test_core_accounts_get_ebs_encryption_and_s3_public_access_block(
    sample_stacks: dict[str, Any], stack: str
) -> None:
    synthesized = sample_stacks[stack]
    ebs = _by_provider(resources(synthesized, "aws_ebs_encryption_by_default"))
    assert sorted(ebs) == sorted(REGIONS) and all(e["enabled"] is True for e in ebs.values())
    (block,) = resources(synthesized, "aws_s3_account_public_access_block").values()
    assert all(
        block[k] is True
        for k in ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")
    )


@pytest.mark.parametrize("stack", ("organization", "security", "log-archive", "prod"))
def test_password_policy_in_every_account(sample_stacks: dict[str, Any], stack: str) -> None:
    assert resources(sample_stacks[stack], "aws_iam_account_password_policy")


def _remove_in_prod(files: dict[str, Any]) -> None:
    files["organization"]["account_baseline"] = {"default_vpc": "harden", "accounts": {"prod": "remove"}}


def test_remove_leaves_the_default_vpc_out(tmp_path_factory: pytest.TempPathFactory) -> None:
    root = tmp_path_factory.mktemp("remove")
    estate = load_variant(root / "env", _remove_in_prod)
    stacks = synthesize_to(estate, root / "out")
    assert resources(stacks["prod"], "aws_default_vpc") == {}
    assert not any(
        g["vpc_id"].startswith("${aws_default_vpc.")
        for g in resources(stacks["prod"], "aws_default_security_group").values()
    )
    assert len(resources(stacks["stg"], "aws_default_vpc")) == len(REGIONS)


def test_control_tower_account_factory_accounts_have_no_default_vpc(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    def edit(files: dict[str, Any]) -> None:
        files["organization"]["landing_zone"]["mode"] = "control_tower"
        del files["dev"]["account"]["id"]

    estate: Estate = load_variant(tmp_path_factory.mktemp("ct") / "env", edit)
    assert default_vpc_mode(estate, "dev") == "absent"  # Account Factory already deleted it
    assert default_vpc_mode(estate, "prod") == "harden"
