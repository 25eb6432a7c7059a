"""Stacks planned from nothing share provider processes and still get the plan they get alone."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from modules.review import provider_sharing
from modules.review.planning import plan_runs, plan_together, prepare_plan_dir
from modules.review.plugin_cache import prime_plugin_cache
from modules.review.terraform_cli import Terraform, find_mirror, write_cli_config
from tests.review.test_batch import ORPHAN_STATE, comparable

OFFLINE = {"access_key": "offline-plan", "secret_key": "offline-plan", "skip_credentials_validation": True}


def stack(
    name: str, *, extra: dict[str, Any] | None = None, tags: dict[str, str] | None = None
) -> dict[str, Any]:
    default = {"lz:estate": "acme", "lz:stack": name} if tags is None else tags
    blocks = [
        {"region": "ap-northeast-1", **OFFLINE, **(extra or {})},
        {"alias": "ap-northeast-3", "region": "ap-northeast-3", **OFFLINE, **(extra or {})},
    ]
    for block in blocks:
        if default:
            block["default_tags"] = [{"tags": dict(default)}]
    return {
        "terraform": {"required_providers": {"aws": {"source": "aws", "version": "5.100.0"}}},
        "provider": {"aws": blocks},
        "resource": {
            "aws_sns_topic": {
                "here": {"name": "here"},
                "there": {"name": "there", "provider": "aws.ap-northeast-3", "tags": {"lz:stack": "mine"}},
            }
        },
    }


def test_stacks_differing_only_in_default_tags_share_providers_with_the_common_tags() -> None:
    shared = provider_sharing.sharing({"dev": stack("dev"), "prod": stack("prod")})
    assert shared is not None
    assert [block.get("default_tags") for block in shared.providers] == [
        [{"tags": {"lz:estate": "acme"}}]
    ] * 2
    assert shared.own_tags["prod"]["aws.ap-northeast-3"] == {"lz:estate": "acme", "lz:stack": "prod"}
    assert shared.resource_providers["dev"] == {
        "aws_sns_topic.here": "aws",
        "aws_sns_topic.there": "aws.ap-northeast-3",
    }


@pytest.mark.parametrize(
    ("other", "why"),
    [
        (stack("prod", extra={"region": "eu-west-1"}), "another region"),
        (stack("prod", extra={"ignore_tags": [{"keys": ["x"]}]}), "ignore_tags changes tags_all"),
        (stack("prod", extra={"profile": "${var.profile}"}), "an expression"),
        (stack("prod", tags={"lz:stack": "prod"}), "no common default tag: tags_all would be unknown"),
        (stack("prod", tags={"lz:estate": "${var.estate}"}), "an expression in the default tags"),
        (
            {**stack("prod"), "provider": {"aws": stack("prod")["provider"]["aws"], "random": [{}]}},
            "another provider",
        ),
    ],
)
def test_stacks_keep_their_own_providers_when_sharing_would_change_the_plan(
    other: dict[str, Any], why: str
) -> None:
    assert provider_sharing.sharing({"dev": stack("dev"), "prod": other}) is None, why


def test_stacks_without_default_tags_share_as_they_are() -> None:
    shared = provider_sharing.sharing({"dev": stack("dev", tags={}), "prod": stack("prod", tags={})})
    assert shared is not None and all("default_tags" not in block for block in shared.providers)


def test_restore_merges_the_stacks_own_default_tags_under_the_resources_tags() -> None:
    shared = provider_sharing.sharing({"dev": stack("dev"), "prod": stack("prod")})
    assert shared is not None
    common = {"lz:estate": "acme"}
    plan = {
        "planned_values": {
            "root_module": {
                "resources": [
                    {
                        "mode": "managed",
                        "type": "aws_sns_topic",
                        "name": "here",
                        "values": {"tags_all": common},
                    },
                    {
                        "mode": "managed",
                        "type": "aws_sns_topic",
                        "name": "there",
                        "values": {"tags": {"lz:stack": "mine"}, "tags_all": {**common, "lz:stack": "mine"}},
                    },
                ]
            }
        },
        "resource_changes": [
            {
                "mode": "managed",
                "type": "aws_sns_topic",
                "name": "here",
                "change": {"after": {"tags_all": common}},
            },
            {
                "mode": "managed",
                "type": "aws_sns_topic",
                "name": "gone",
                "change": {"after": {"tags_all": None}},
            },
        ],
        "configuration": {"provider_config": {}, "root_module": {}},
    }
    combined = {
        "configuration": {
            "provider_config": {
                "aws": {
                    "name": "aws",
                    "expressions": {"default_tags": [{"tags": {"constant_value": common}}]},
                },
                "aws.ap-northeast-3": {"name": "aws", "alias": "ap-northeast-3", "expressions": {}},
            }
        }
    }
    restored = provider_sharing.restore(copy.deepcopy(plan), combined, "dev", shared)
    values = [resource["values"] for resource in restored["planned_values"]["root_module"]["resources"]]
    assert values[0]["tags_all"] == {"lz:estate": "acme", "lz:stack": "dev"}
    assert values[1]["tags_all"] == {"lz:estate": "acme", "lz:stack": "mine"}  # the resource's tag wins
    assert restored["resource_changes"][0]["change"]["after"]["tags_all"] == {
        "lz:estate": "acme",
        "lz:stack": "dev",
    }
    assert restored["resource_changes"][1]["change"]["after"]["tags_all"] is None  # unknown stays unknown
    own = {"lz:estate": "acme", "lz:stack": "dev"}
    assert restored["configuration"]["provider_config"] == {
        "aws": {"name": "aws", "expressions": {"default_tags": [{"tags": {"constant_value": own}}]}},
        "aws.ap-northeast-3": {
            "name": "aws",
            "alias": "ap-northeast-3",
            "expressions": {"default_tags": [{"tags": {"constant_value": own}}]},
        },
    }


def test_only_stacks_planned_from_nothing_are_packed_to_share(tmp_path: Path) -> None:
    for name in ("dev", "prod", "stg"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "cdk.tf.json").write_text(json.dumps(stack(name)))
    (tmp_path / "stg" / "terraform.tfstate").write_text(json.dumps(ORPHAN_STATE))
    runs = plan_runs({name: tmp_path / name for name in ("dev", "prod", "stg")})
    assert runs == [["dev", "prod"], ["stg"]]


def _retag(directory: Path) -> None:
    """A resource tag that overrides a default tag, and one of its own: the merge order shows."""
    path = directory / "cdk.tf.json"
    config = json.loads(path.read_text())
    for named in config["resource"].values():
        for body in named.values():
            if isinstance(body.get("tags"), dict):
                body["tags"] = {**body["tags"], "lz:stack": "override", "team": "platform"}
                path.write_text(json.dumps(config))
                return
    raise AssertionError("no tagged resource in the stack")


@pytest.mark.synth
@pytest.mark.terraform
def test_a_run_sharing_providers_gives_each_stack_the_plan_it_gets_alone(
    sample_synth_dir: Path, tmp_path: Path
) -> None:
    """Real Terraform: three stacks planned from nothing, one with a resource overriding a default tag."""
    terraform = Terraform(write_cli_config(tmp_path / "build", find_mirror()))
    prime_plugin_cache(terraform, tmp_path / "build")
    stacks = ("organization", "dev", "log-archive")
    folders = {}
    for copy_name in ("together", "alone"):
        folders[copy_name] = {
            name: prepare_plan_dir(sample_synth_dir / "stacks" / name, tmp_path / copy_name)
            for name in stacks
        }
        _retag(folders[copy_name]["dev"])
    shared = {plan.name: plan for plan in plan_together(terraform, tmp_path / "run", folders["together"])}
    root = json.loads((tmp_path / "run" / "main.tf.json").read_text())
    assert len(root["provider"]["aws"]) == 2  # one set of providers for the three stacks
    for name in stacks:
        alone = terraform.plan(folders["alone"][name])
        assert alone.ok and shared[name].ok, alone.error or shared[name].error
        assert shared[name].run_dir == tmp_path / "run"  # not a silent fallback to planning alone
        assert alone.plan_json is not None and shared[name].plan_json is not None
        expected = json.loads(alone.plan_json.read_text())
        got = json.loads(shared[name].plan_json.read_text())
        assert comparable(got) == comparable(expected), name
        assert list(got) == list(expected), name
