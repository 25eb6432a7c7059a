"""The emulator target: every AWS API call of a synthesized stack goes to a local AWS emulator.

A transform of the synthesized `cdk.tf.json`, applied after synthesis and only when asked for
explicitly (`lz synth --emulator URL`, or `LZ_EMULATOR_ENDPOINT` for the cdktf CLI via `main.py`):
the constructs describe real AWS only, so a normal synth can never carry it. Every provider gets
the emulator's endpoint for each service, dummy credentials and the skip flags; the state moves
to a local backend (under a scratch folder when given). Pure data: no cdktf here.
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from modules.deployment.config import LOCAL_STATE_DIR

ENV_VAR = "LZ_EMULATOR_ENDPOINT"
STATE_DIR_ENV_VAR = "LZ_STATE_DIR"
DUMMY_CREDENTIALS = {"access_key": "emulator", "secret_key": "emulator"}
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]", "::1")

# Provider `endpoints` keys of every service the stacks use; one emulator serves them all. Not
# `s3control`: its only resource, the account public access block, is pruned for the emulator
# (tests/e2e/exclusions.yaml) and the emulator runs have never sent it there.
SERVICES = (
    "accessanalyzer",
    "account",
    "backup",
    "budgets",
    "ce",
    "cloudtrail",
    "cloudwatch",
    "configservice",
    "controltower",
    "ec2",
    "ecr",
    "events",
    "guardduty",
    "iam",
    "identitystore",
    "inspector2",
    "kms",
    "logs",
    "macie2",
    "organizations",
    "s3",
    "securityhub",
    "servicecatalog",
    "sns",
    "sqs",
    "ssm",
    "ssoadmin",
    "sts",
)


def validate_endpoint(url: str) -> str:
    """Only loopback: the emulator run must never send traffic anywhere else."""
    parsed = urlparse(url)
    if parsed.scheme != "http" or parsed.hostname not in LOOPBACK_HOSTS or parsed.port is None:
        raise ValueError(f"emulator endpoint {url!r} must be http://127.0.0.1:<port> (loopback only)")
    return url


def provider_settings(endpoint: str) -> dict[str, Any]:
    """Provider arguments that send every call to the emulator (which still honours assume-role)."""
    return {
        **DUMMY_CREDENTIALS,
        "endpoints": [dict.fromkeys(SERVICES, validate_endpoint(endpoint))],
        "s3_use_path_style": True,
        "skip_credentials_validation": True,
        "skip_metadata_api_check": "true",  # a string in the provider schema
        "max_retries": 2,  # an unsupported call fails fast instead of backing off for minutes
    }


def emulator_stack(config: Mapping[str, Any], *, endpoint: str, state_path: str) -> dict[str, Any]:
    """The emulator form of one synthesized stack; `config` is left as it is.

    `state_path` is the local backend's path as Terraform reads it (relative to the stack's
    folder; `state_path_for` computes it). Provider arguments stay in the alphabetical order
    CDKTF writes them, so the result reads like a synthesized stack.
    """
    retargeted = copy.deepcopy(dict(config))
    settings = provider_settings(endpoint)
    retargeted["provider"]["aws"] = [
        dict(sorted({**provider, **settings}.items())) for provider in retargeted["provider"]["aws"]
    ]
    backend = retargeted["terraform"]["backend"]
    retargeted["terraform"]["backend"] = {"local": {"path": state_path}}
    metadata = retargeted.get("//", {}).get("metadata", {})
    metadata["backend"] = "local"
    if "s3" in backend:
        _drop_lockfile_override(metadata)
    return retargeted


def _drop_lockfile_override(metadata: dict[str, Any]) -> None:
    """The S3 backend's `use_lockfile` is a stack override on `terraform`; the local one has none."""
    overrides = metadata.get("overrides", {})
    stack_overrides = [name for name in overrides.get("stack", []) if name != "terraform"]
    if stack_overrides:
        overrides["stack"] = stack_overrides
    else:
        overrides.pop("stack", None)
    if not overrides:
        metadata.pop("overrides", None)


def state_path_for(stack_dir: Path, state_dir: Path) -> str:
    """`<state_dir>/<stack>.tfstate` relative to the stack's folder: the output stays portable."""
    return os.path.relpath(state_dir.resolve() / f"{stack_dir.name}.tfstate", stack_dir.resolve())


def retarget_output(
    outdir: Path, *, endpoint: str, state_dir: Path | None = None, final_outdir: Path | None = None
) -> list[str]:
    """Rewrite every stack synthesized into `outdir` for the emulator; returns the stack names.

    `state_dir`: where the stacks keep local state (default: the project's `state/`, as a normal
    local backend). `final_outdir`: where the output ends up when `outdir` is a staging folder
    (relative state paths are computed from there).
    """
    validate_endpoint(endpoint)
    names = []
    for config_path in sorted((outdir / "stacks").glob("*/cdk.tf.json")):
        stack_dir = (final_outdir or outdir) / "stacks" / config_path.parent.name
        config = json.loads(config_path.read_text(encoding="utf-8"))
        state_path = state_path_for(stack_dir, state_dir or LOCAL_STATE_DIR)
        retargeted = emulator_stack(config, endpoint=endpoint, state_path=state_path)
        config_path.write_text(render(retargeted), encoding="utf-8")
        names.append(config_path.parent.name)
    return names


def retarget_from_environment(outdir: Path, environ: Mapping[str, str]) -> None:
    """The cdktf CLI's way in: only an explicit `LZ_EMULATOR_ENDPOINT` targets the emulator."""
    endpoint = environ.get(ENV_VAR)
    if endpoint:
        state_dir = environ.get(STATE_DIR_ENV_VAR)
        retarget_output(outdir, endpoint=endpoint, state_dir=Path(state_dir) if state_dir else None)


def render(value: Any, depth: int = 0) -> str:
    """JSON laid out as CDKTF writes `cdk.tf.json` (two spaces; an empty object or list spans two lines)."""
    inner, outer = "  " * (depth + 1), "  " * depth
    if isinstance(value, dict):
        items = [
            f"{inner}{json.dumps(key, ensure_ascii=False)}: {render(v, depth + 1)}"
            for key, v in value.items()
        ]
        return "{\n" + ",\n".join(items) + ("\n" if items else "") + f"{outer}}}"
    if isinstance(value, list):
        items = [f"{inner}{render(v, depth + 1)}" for v in value]
        return "[\n" + ",\n".join(items) + ("\n" if items else "") + f"{outer}]"
    return json.dumps(value, ensure_ascii=False)
