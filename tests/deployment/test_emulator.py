"""The emulator target: loopback only, explicit only, and a transform of the synthesized stacks."""

from __future__ import annotations

import copy
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from modules.targets.emulator import (
    SERVICES,
    emulator_stack,
    render,
    retarget_from_environment,
    retarget_output,
    validate_endpoint,
)

URL = "http://127.0.0.1:5000"


@pytest.mark.parametrize("url", ["http://127.0.0.1:5000", "http://localhost:4566"])
def test_loopback_endpoints_are_accepted(url: str) -> None:
    assert validate_endpoint(url) == url


@pytest.mark.parametrize(
    "url", ["http://10.0.0.5:5000", "https://127.0.0.1:5000", "http://127.0.0.1", "moto"]
)
def test_anything_but_loopback_is_refused(url: str) -> None:
    with pytest.raises(ValueError, match="loopback only"):
        validate_endpoint(url)
    with pytest.raises(ValueError, match="loopback only"):
        emulator_stack(s3_stack(), endpoint=url, state_path="x.tfstate")


def s3_stack() -> dict[str, Any]:
    """A synthesized stack as CDKTF writes it with `state_backend: {type: s3}`."""
    return {
        "//": {
            "metadata": {"backend": "s3", "overrides": {"stack": ["terraform"]}, "stackName": "dev"},
            "outputs": {},
        },
        "provider": {
            "aws": [
                {"allowed_account_ids": ["666666666666"], "region": "ap-northeast-1"},
                {"alias": "us-east-1", "region": "us-east-1"},
            ]
        },
        "resource": {"aws_sns_topic": {"alerts": {"name": "alerts"}}},
        "terraform": {
            "backend": {"s3": {"bucket": "state", "key": "landing-zone/dev.tfstate", "use_lockfile": True}},
            "required_providers": {"aws": {"source": "aws", "version": "5.100.0"}},
        },
    }


def test_every_provider_goes_to_the_emulator_with_dummy_credentials() -> None:
    stack = emulator_stack(s3_stack(), endpoint=URL, state_path="../../state/dev.tfstate")
    for provider in stack["provider"]["aws"]:
        assert provider["endpoints"] == [dict.fromkeys(SERVICES, URL)]
        assert (provider["access_key"], provider["secret_key"]) == ("emulator", "emulator")
        assert provider["skip_credentials_validation"] is True
        assert provider["skip_metadata_api_check"] == "true"
        assert provider["s3_use_path_style"] is True
        assert provider["max_retries"] == 2
        assert list(provider) == sorted(provider), "CDKTF writes provider arguments alphabetically"
    assert stack["provider"]["aws"][1]["alias"] == "us-east-1"
    assert stack["resource"] == s3_stack()["resource"]


def test_state_moves_to_a_local_backend_and_the_s3_lockfile_override_goes() -> None:
    original = s3_stack()
    stack = emulator_stack(original, endpoint=URL, state_path="../../state/dev.tfstate")
    assert stack["terraform"]["backend"] == {"local": {"path": "../../state/dev.tfstate"}}
    assert stack["terraform"]["required_providers"] == original["terraform"]["required_providers"]
    assert stack["//"]["metadata"] == {"backend": "local", "stackName": "dev"}
    assert original == s3_stack(), "the synthesized stack itself is left as it is"


def test_other_stack_overrides_are_kept() -> None:
    original = s3_stack()
    original["//"]["metadata"]["overrides"]["stack"].append("output")
    stack = emulator_stack(original, endpoint=URL, state_path="dev.tfstate")
    assert stack["//"]["metadata"]["overrides"] == {"stack": ["output"]}


def write_output(outdir: Path, stacks: dict[str, dict[str, Any]]) -> None:
    for name, stack in stacks.items():
        (outdir / "stacks" / name).mkdir(parents=True)
        (outdir / "stacks" / name / "cdk.tf.json").write_text(render(stack))


def test_retarget_output_keeps_state_in_the_given_folder(tmp_path: Path) -> None:
    write_output(tmp_path / "staging", {"dev": s3_stack(), "prod": s3_stack()})
    final = tmp_path / "out"
    names = retarget_output(
        tmp_path / "staging", endpoint=URL, state_dir=tmp_path / "state", final_outdir=final
    )
    assert names == ["dev", "prod"]
    for name in names:
        stack = json.loads((tmp_path / "staging" / "stacks" / name / "cdk.tf.json").read_text())
        relative = stack["terraform"]["backend"]["local"]["path"]
        # Relative to where the stack ends up, not to the staging folder.
        assert os.path.normpath(final / "stacks" / name / relative) == str(
            tmp_path / "state" / f"{name}.tfstate"
        )


def test_only_an_explicit_environment_variable_retargets(tmp_path: Path) -> None:
    write_output(tmp_path, {"dev": s3_stack()})
    before = (tmp_path / "stacks" / "dev" / "cdk.tf.json").read_text()
    retarget_from_environment(tmp_path, {"LZ_EMULATOR_ENDPOINT": ""})
    assert (tmp_path / "stacks" / "dev" / "cdk.tf.json").read_text() == before
    retarget_from_environment(tmp_path, {"LZ_EMULATOR_ENDPOINT": URL, "LZ_STATE_DIR": str(tmp_path / "s")})
    stack = json.loads((tmp_path / "stacks" / "dev" / "cdk.tf.json").read_text())
    assert stack["terraform"]["backend"]["local"]["path"] == str(Path("..", "..", "s", "dev.tfstate"))


def test_render_lays_json_out_as_cdktf_does() -> None:
    assert render({"a": {}, "b": [], "c": [{"d": "日本"}]}) == (
        '{\n  "a": {\n  },\n  "b": [\n  ],\n  "c": [\n    {\n      "d": "日本"\n    }\n  ]\n}'
    )


@pytest.mark.synth
def test_the_sample_differs_from_real_aws_only_in_providers_and_backend(
    sample_synth_dir: Path, tmp_path: Path
) -> None:
    shutil.copytree(sample_synth_dir, tmp_path / "out")
    retarget_output(tmp_path / "out", endpoint=URL, state_dir=tmp_path / "state")
    for stack_dir in sorted((sample_synth_dir / "stacks").iterdir()):
        synthesized = (stack_dir / "cdk.tf.json").read_text()
        real, emulated = (
            json.loads(synthesized),
            json.loads((tmp_path / "out" / "stacks" / stack_dir.name / "cdk.tf.json").read_text()),
        )
        assert render(real) == synthesized, "render() reproduces CDKTF's layout byte for byte"
        for provider in emulated["provider"]["aws"]:
            assert provider["endpoints"] == [dict.fromkeys(SERVICES, URL)], stack_dir.name
        unchanged = copy.deepcopy(emulated)
        unchanged["provider"], unchanged["terraform"]["backend"] = (
            real["provider"],
            real["terraform"]["backend"],
        )
        unchanged["//"]["metadata"] = real["//"]["metadata"]
        assert unchanged == real, stack_dir.name
