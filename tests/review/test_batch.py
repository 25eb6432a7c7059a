"""Stacks planned together in one Terraform run get exactly the plan they would get alone."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from modules.review import batch
from modules.review.planning import plan_together, prepare_plan_dir
from modules.review.plugin_cache import prime_plugin_cache
from modules.review.terraform_cli import Terraform, find_mirror, write_cli_config

ORPHAN_STATE: dict[str, Any] = {
    "version": 4,
    "terraform_version": "1.11.4",
    "serial": 3,
    "lineage": "6f1c2b7e-0000-4000-8000-000000000002",
    "outputs": {},
    "resources": [
        {
            "mode": "managed",
            "type": "aws_sns_topic",
            "name": "retired",
            "provider": 'provider["registry.terraform.io/hashicorp/aws"].ap-northeast-3',
            "instances": [
                {
                    "schema_version": 0,
                    "attributes": {
                        "id": "arn:aws:sns:ap-northeast-3:111111111111:retired",
                        "name": "retired",
                    },
                    "sensitive_attributes": [],
                }
            ],
        }
    ],
}


def test_runs_are_packed_in_order_by_provider_count() -> None:
    stacks = [("organization", 2), ("log-archive", 2), ("security", 2), ("prod", 2), ("big", 7), ("dev", 2)]
    assert batch.group(stacks, limit=6) == [
        ["organization", "log-archive", "security"],
        ["prod"],
        ["big"],
        ["dev"],
    ]
    assert batch.group([], limit=6) == []


@pytest.mark.parametrize(
    ("name", "config", "expected"),
    [
        ("dev", {"//": {}, "terraform": {}, "provider": {}, "resource": {}}, True),
        ("dev", {"terraform": {}, "output": {"x": {"value": 1}}}, False),
        ("dev", {"terraform": {}, "variable": {"x": {}}}, False),
        ("dev", {"terraform": {}, "data": {"aws_caller_identity": {"me": {}}}}, False),
        ("dev", {"terraform": {}, "import": [{"to": "a.b", "id": "x"}]}, False),
        ("9lives", {"terraform": {}}, False),
    ],
)
def test_only_self_contained_stacks_share_a_run(name: str, config: dict[str, Any], expected: bool) -> None:
    assert batch.batchable(name, config) is expected


def test_a_child_module_keeps_everything_but_the_backend() -> None:
    stack = {
        "terraform": {"backend": {"local": {}}, "required_providers": {"aws": {}}},
        "resource": {"a": {}},
    }
    assert batch.as_child_module(stack) == {
        "terraform": {"required_providers": {"aws": {}}},
        "resource": {"a": {}},
    }


def test_merged_state_moves_each_stack_under_its_module() -> None:
    merged = batch.merge_states({"log-archive": ORPHAN_STATE})
    (resource,) = merged["resources"]
    assert resource["module"] == "module.log-archive"
    assert (
        resource["provider"]
        == 'module.log-archive.provider["registry.terraform.io/hashicorp/aws"].ap-northeast-3'
    )
    assert resource["instances"] == ORPHAN_STATE["resources"][0]["instances"]
    newer = {**ORPHAN_STATE, "terraform_version": "1.9.0"}
    assert batch.merge_states({"a": ORPHAN_STATE, "b": newer})["terraform_version"] == "1.11.4"


def test_split_plan_unprefixes_addresses_and_drops_other_stacks() -> None:
    combined = {
        "format_version": "1.2",
        "planned_values": {
            "root_module": {
                "child_modules": [
                    {"address": "module.a", "resources": [{"address": "module.a.aws_x.one", "name": "one"}]},
                    {"address": "module.b", "resources": [{"address": "module.b.aws_x.two", "name": "two"}]},
                ]
            }
        },
        "resource_changes": [
            {
                "address": "module.a.aws_x.one",
                "module_address": "module.a",
                "change": {"actions": ["create"]},
            },
            {"address": "module.ab.aws_x.three", "module_address": "module.ab", "change": {}},
        ],
        "configuration": {
            "provider_config": {
                "module.a:aws": {"name": "aws", "module_address": "module.a"},
                "module.b:aws": {"name": "aws", "module_address": "module.b"},
            },
            "root_module": {
                "module_calls": {
                    "a": {"source": "./a", "module": {"resources": [{"provider_config_key": "module.a:aws"}]}}
                }
            },
        },
        "relevant_attributes": [{"resource": "module.a.aws_x.one", "attribute": ["id"]}],
    }
    plan = batch.split_plan(combined, "a")
    assert plan == {
        "format_version": "1.2",
        "planned_values": {"root_module": {"resources": [{"address": "aws_x.one", "name": "one"}]}},
        "resource_changes": [{"address": "aws_x.one", "change": {"actions": ["create"]}}],
        "configuration": {
            "provider_config": {"aws": {"name": "aws"}},
            "root_module": {"resources": [{"provider_config_key": "aws"}]},
        },
        "relevant_attributes": [{"resource": "aws_x.one", "attribute": ["id"]}],
    }


def comparable(plan: dict[str, Any]) -> dict[str, Any]:
    """A plan without what differs between any two runs of Terraform: the time it ran and the order
    of `relevant_attributes` (a set; Terraform lists it in map-iteration order)."""
    same = {key: value for key, value in plan.items() if key != "timestamp"}
    same["relevant_attributes"] = sorted(same.get("relevant_attributes", []), key=json.dumps)
    return same


@pytest.mark.synth
@pytest.mark.terraform
def test_a_shared_run_gives_each_stack_the_plan_it_gets_alone(sample_synth_dir: Path, tmp_path: Path) -> None:
    """Real Terraform: log-archive (with recorded state and a resource to destroy) and dev."""
    state_dir = tmp_path / "state"
    state_dir.mkdir()
    (state_dir / "log-archive.tfstate").write_text(json.dumps(ORPHAN_STATE))
    terraform = Terraform(write_cli_config(tmp_path / "build", find_mirror()))
    prime_plugin_cache(terraform, tmp_path / "build")
    stacks = ("log-archive", "dev")
    together = {
        name: prepare_plan_dir(sample_synth_dir / "stacks" / name, tmp_path / "together", state_dir=state_dir)
        for name in stacks
    }
    shared = {plan.name: plan for plan in plan_together(terraform, tmp_path / "run", together)}
    for name in stacks:
        alone = terraform.plan(
            prepare_plan_dir(sample_synth_dir / "stacks" / name, tmp_path / "alone", state_dir=state_dir)
        )
        assert alone.ok and shared[name].ok, alone.error or shared[name].error
        assert shared[name].run_dir == tmp_path / "run"  # not a silent fallback to planning alone
        assert alone.plan_json is not None and shared[name].plan_json is not None
        expected = json.loads(alone.plan_json.read_text())
        assert comparable(json.loads(shared[name].plan_json.read_text())) == comparable(expected), name
    destroyed = [
        change["address"]
        for change in json.loads((together["log-archive"] / "plan.json").read_text())["resource_changes"]
        if change["change"]["actions"] == ["delete"]
    ]
    assert destroyed == ["aws_sns_topic.retired"]
