"""Faults: an interrupted apply converges when re-run; a failing stack leaves the others intact.

The interrupted apply gets its own emulator; the failing stack runs beside the session deployment
and must leave every other stack's state untouched.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from modules.config import Estate
from tests.e2e.conftest import Deployment
from tests.e2e.harness import Deployer, free_port, moto_server

pytestmark = [pytest.mark.e2e, pytest.mark.synth, pytest.mark.terraform]


def synth_for(estate: Estate, endpoint: str, root: Path) -> Deployer:
    from modules.stacks.app import build_app

    build_app(estate, root / "synth", emulator_endpoint=endpoint, state_dir=root / "state").synth()
    return Deployer(root / "synth", root / "work")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_interrupted_apply_converges_when_rerun(sample_estate: Estate, tmp_path: Path) -> None:
    with moto_server() as endpoint:
        deployer = synth_for(sample_estate, endpoint, tmp_path)
        run = deployer.prepare("log-archive")
        interrupted, exit_code, output = deployer.interrupted_apply(run)
        assert interrupted, f"no resource was created before the interrupt:\n{output[-3000:]}"
        assert exit_code != 0, "the apply finished before the interrupt took effect"
        state = tmp_path / "state" / "log-archive.tfstate"
        assert state.exists(), f"terraform saved no partial state:\n{output[-3000:]}"
        deployer.apply(run)
        assert run.apply_error is None, run.apply_error
        deployer.replan(run)
        assert run.replan_exit_code == 0, run.replan_output


def test_failing_stack_reports_and_leaves_other_state_intact(deployment: Deployment, tmp_path: Path) -> None:
    states = sorted(deployment.state_dir.glob("*.tfstate"))
    assert len(states) == len(deployment.runs)
    before = {path.name: digest(path) for path in states}

    broken = deployment.deployer.prepare("stg")
    broken.directory = tmp_path / "broken-stg"
    shutil.copytree(
        deployment.deployer.work_dir / "stacks" / "stg",
        broken.directory,
        ignore=shutil.ignore_patterns(".terraform", ".terraform.lock.hcl"),
    )
    config_path = broken.directory / "cdk.tf.json"
    config = json.loads(config_path.read_text())
    dead = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    for provider in config["provider"]["aws"]:
        provider["endpoints"] = [dict.fromkeys(provider["endpoints"][0], dead)]
    config["terraform"]["backend"] = {"local": {"path": str(tmp_path / "broken-stg.tfstate")}}
    config_path.write_text(json.dumps(config))
    deployment.deployer.apply(broken)

    assert broken.apply_error is not None
    assert "terraform apply failed" in broken.apply_error
    # The provider fails at its first call (assume-role) against the dead endpoint, and says so.
    assert "connection refused" in broken.apply_error.lower() or "cannot be assumed" in broken.apply_error
    assert {path.name: digest(path) for path in states} == before
    for name in ("dev", "prod"):
        run = deployment.deployer.replan(deployment.runs[name])
        assert run.replan_exit_code == 0, run.replan_output
