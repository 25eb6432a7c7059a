"""A plan turned into the state applying it would leave: typed, shaped, stable placeholders."""

from __future__ import annotations

from typing import Any

from modules.review.prior_state import (
    Schemas,
    settled,
    state_addresses,
    state_from_plan,
    state_providers,
    state_resource_providers,
)

SCHEMAS = Schemas(
    {
        "aws_vpc": {
            "version": 1,
            "block": {
                "attributes": {
                    "id": {"type": "string", "optional": True, "computed": True},
                    "arn": {"type": "string", "computed": True},
                    "cidr_block": {"type": "string", "optional": True},
                    "owner_id": {"type": "string", "computed": True},
                    "ipv6_netmask_length": {"type": "number", "optional": True, "computed": True},
                    "tags_all": {"type": ["map", "string"], "optional": True, "computed": True},
                }
            },
        },
        "aws_subnet": {
            "version": 0,
            "block": {
                "attributes": {
                    "id": {"type": "string", "optional": True, "computed": True},
                    "vpc_id": {"type": "string", "required": True},
                    "token": {"type": "string", "optional": True, "sensitive": True},
                    "outpost_arn": {"type": "string", "optional": True, "computed": True},
                    "secondary": {"type": ["set", "string"], "optional": True, "computed": True},
                },
                "block_types": {
                    "timeouts": {
                        "nesting_mode": "single",
                        "block": {"attributes": {"create": {"type": "string", "optional": True}}},
                    }
                },
            },
        },
        "aws_organizations_organization": {
            "block": {
                "attributes": {
                    "id": {"type": "string", "computed": True},
                    "roots": {
                        "type": ["list", ["object", {"id": "string", "arn": "string"}]],
                        "computed": True,
                    },
                }
            }
        },
    }
)
CONFIG = {
    "provider": {"aws": [{"region": "ap-northeast-1"}, {"alias": "osaka", "region": "ap-northeast-3"}]},
    "resource": {
        "aws_vpc": {"main": {"cidr_block": "10.0.0.0/16"}},
        "aws_subnet": {"a": {"vpc_id": "${aws_vpc.main.id}", "provider": "aws.osaka"}},
        "aws_organizations_organization": {"org": {}},
    },
}


def create(address: str, after: dict[str, Any], unknown: dict[str, Any], **extra: Any) -> dict[str, Any]:
    kind, name = address.split(".")
    change = {"actions": ["create"], "after": after, "after_unknown": unknown, **extra}
    return {"address": address, "mode": "managed", "type": kind, "name": name, "change": change}


PLAN = {
    "resource_changes": [
        create(
            "aws_vpc.main",
            {"cidr_block": "10.0.0.0/16"},
            {"id": True, "arn": True, "owner_id": True, "ipv6_netmask_length": True, "tags_all": True},
        ),
        create(
            "aws_subnet.a",
            {"token": "s3cr3t", "timeouts": None},
            {"id": True, "vpc_id": True, "outpost_arn": True, "secondary": True},
            after_sensitive={"token": True},
        ),
        create("aws_organizations_organization.org", {}, {"id": True, "roots": True}),
    ],
    "configuration": {
        "root_module": {
            "resources": [
                {"address": "aws_vpc.main", "mode": "managed", "provider_config_key": "aws"},
                {"address": "aws_subnet.a", "mode": "managed", "provider_config_key": "aws.osaka"},
            ]
        }
    },
}


def instances(state: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        f"{resource['type']}.{resource['name']}": {
            **resource["instances"][0],
            "provider": resource["provider"],
        }
        for resource in state["resources"]
    }


def test_unknowns_get_typed_shaped_placeholders_and_references_follow_them() -> None:
    state = instances(state_from_plan(PLAN, SCHEMAS, stack="dev", config=CONFIG))
    vpc, subnet = state["aws_vpc.main"], state["aws_subnet.a"]
    assert vpc["schema_version"] == 1
    assert vpc["attributes"]["id"].startswith("vpc-") and len(vpc["attributes"]["id"]) == 21
    assert vpc["attributes"]["arn"].startswith("arn:aws:vpc:ap-northeast-1:")
    assert vpc["attributes"]["owner_id"] == ""  # computed, read by nothing: "not set"
    # Optional and computed: left unset (null, or an empty collection), never a made-up meaning.
    assert vpc["attributes"]["ipv6_netmask_length"] is None and vpc["attributes"]["tags_all"] == {}
    assert subnet["attributes"]["vpc_id"] == vpc["attributes"]["id"]  # a plain reference: the same value
    assert subnet["attributes"]["outpost_arn"] is None and subnet["attributes"]["secondary"] == []
    assert subnet["provider"] == 'provider["registry.terraform.io/hashicorp/aws"].osaka'
    assert subnet["sensitive_attributes"] == [[{"type": "get_attr", "value": "token"}]]
    roots = state["aws_organizations_organization.org"]["attributes"]["roots"]
    assert len(roots) == 1 and roots[0]["id"].startswith("r-")  # read as roots[0].id


def test_placeholders_are_stable_and_kept_from_the_previous_state() -> None:
    first = state_from_plan(PLAN, SCHEMAS, stack="dev", config=CONFIG)
    assert state_from_plan(PLAN, SCHEMAS, stack="dev", config=CONFIG) == first
    other_stack = instances(state_from_plan(PLAN, SCHEMAS, stack="prd", config=CONFIG))
    assert (
        other_stack["aws_vpc.main"]["attributes"]["id"]
        != instances(first)["aws_vpc.main"]["attributes"]["id"]
    )
    previous = instances(first)
    previous_id = previous["aws_vpc.main"]["attributes"]["id"]
    # A replaced resource's id is unknown again: it keeps the placeholder it had.
    again = state_from_plan(PLAN, SCHEMAS, stack="prd", previous=first, config=CONFIG)
    assert instances(again)["aws_vpc.main"]["attributes"]["id"] == previous_id


def test_state_listings_and_the_settled_test() -> None:
    state = state_from_plan(PLAN, SCHEMAS, stack="dev", config=CONFIG)
    assert sorted(state_addresses(state)) == [
        ("aws_organizations_organization.org", "aws_organizations_organization"),
        ("aws_subnet.a", "aws_subnet"),
        ("aws_vpc.main", "aws_vpc"),
    ]
    assert state_providers(state) == {"aws", "aws.osaka"}
    assert state_resource_providers(state)["aws_subnet.a"] == "aws.osaka"
    assert not settled(PLAN)
    noop = {"resource_changes": [{"mode": "managed", "change": {"actions": ["no-op"]}}]}
    assert settled(noop)
    update = {"resource_changes": [{"mode": "managed", "change": {"actions": ["update"]}}]}
    assert not settled(update)


def test_deleted_resources_leave_the_state() -> None:
    plan = {"resource_changes": [{**PLAN["resource_changes"][0], "change": {"actions": ["delete"]}}]}
    assert state_from_plan(plan, SCHEMAS, stack="dev")["resources"] == []
