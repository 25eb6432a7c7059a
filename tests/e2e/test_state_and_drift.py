"""Real state in an S3 backend: a live review reads it, `lz drift` finds out-of-band changes, and
Terraform's native S3 lock file keeps two applies from writing the state at once.

The deployed `dev` stack's state moves into the emulator's S3 (bucket, key and lock file as a real
estate has them); everything then runs against it. Runs after the read-backs (file order): it
changes the deployed estate out of band.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest

from modules.cli import main
from tests.e2e.conftest import Deployment
from tests.e2e.harness import client, session_for
from tests.support import ROOT

pytestmark = [pytest.mark.e2e, pytest.mark.synth, pytest.mark.terraform]

STACK = "dev"
BUCKET = "lz-e2e-state"
KEY = f"landing-zone/{STACK}.tfstate"
REGION = "ap-northeast-1"


@dataclass
class Remote:
    """The dev stack, its state in the emulator's S3, and a cdktf-like output folder holding it."""

    endpoint: str
    synth: Path  # <synth>/stacks/dev/cdk.tf.json with the S3 backend
    s3: Any
    account: Any  # boto3 session in the dev account (the deployment role)

    @property
    def stack_dir(self) -> Path:
        return self.synth / "stacks" / STACK

    def state(self) -> bytes:
        body: bytes = self.s3.get_object(Bucket=BUCKET, Key=KEY)["Body"].read()
        return body

    def aws(self, service: str) -> Any:
        return client(self.account, service, self.endpoint, REGION)


def s3_backend(endpoint: str) -> dict[str, Any]:
    return {
        "bucket": BUCKET,
        "key": KEY,
        "region": REGION,
        "use_lockfile": True,  # Terraform's native lock: KEY.tflock, written with If-None-Match
        "encrypt": True,
        "endpoints": {"s3": endpoint},
        "use_path_style": True,
        "access_key": "emulator",
        "secret_key": "emulator",
        "skip_credentials_validation": True,
        "skip_requesting_account_id": True,
        "skip_metadata_api_check": True,
        "skip_region_validation": True,
    }


@pytest.fixture(scope="module")
def remote(deployment: Deployment, tmp_path_factory: pytest.TempPathFactory) -> Remote:
    run = deployment.runs[STACK]
    if run.apply_error is not None:
        pytest.fail(f"stack {STACK} did not apply; see test_stack_applies[{STACK}]")
    synth = tmp_path_factory.mktemp("remote") / "synth"
    shutil.copytree(
        run.directory, synth / "stacks" / STACK, ignore=shutil.ignore_patterns(".terraform*", "*.log")
    )
    config_path = synth / "stacks" / STACK / "cdk.tf.json"
    config = json.loads(config_path.read_text())
    config["terraform"]["backend"] = {"s3": s3_backend(deployment.endpoint)}
    config_path.write_text(json.dumps(config, indent=2))
    s3 = boto3.client(
        "s3",
        endpoint_url=deployment.endpoint,
        region_name=REGION,
        aws_access_key_id="emulator",
        aws_secret_access_key="emulator",
    )
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_object(Bucket=BUCKET, Key=KEY, Body=(deployment.state_dir / f"{STACK}.tfstate").read_bytes())
    estate = deployment.estate
    account_id = estate.accounts()[STACK].id
    assert account_id is not None
    account = session_for(deployment.endpoint, account_id, estate.organization.deployment.role_name)
    return Remote(deployment.endpoint, synth, s3, account)


def copying(source: Path, edit: Any = None) -> Any:
    """Stands in for synthesis: the prepared (emulator-pruned) stack, optionally edited."""

    def synthesize(config_dir: Path, out: Path, only_env: str | None = None, **_: Any) -> list[str]:
        shutil.rmtree(out, ignore_errors=True)
        shutil.copytree(source, out / "stacks" / STACK)
        if edit is not None:
            path = out / "stacks" / STACK / "cdk.tf.json"
            config = json.loads(path.read_text())
            edit(config)
            path.write_text(json.dumps(config))
        return [STACK]

    return synthesize


def drift(remote: Remote, out: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, dict[str, Any]]:
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr("modules.synth.synthesize_in_child", copying(remote.stack_dir))
    code = main(["drift", "--env", STACK, "--out", str(out)])
    return code, json.loads((out / "report.json").read_text())


def drifted(report: dict[str, Any]) -> dict[str, str]:
    return {r["address"]: r["message"] for r in report["results"] if r["status"] == "failed"}


@pytest.fixture(scope="module")
def baseline(remote: Remote, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """What refresh reports before anything changes (moto reads a few attributes back its own way)."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        code, report = drift(remote, tmp_path_factory.mktemp("drift0"), monkeypatch)
    assert code in (0, 1), report
    yield drifted(report)


def test_drift_names_each_out_of_band_change(
    remote: Remote, baseline: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = remote.state()
    iam = remote.aws("iam")
    policy = iam.get_account_password_policy()["PasswordPolicy"]
    settable = ("RequireSymbols", "RequireNumbers", "RequireUppercaseCharacters")
    kept = {key: policy[key] for key in (*settable, "RequireLowercaseCharacters") if key in policy}
    if policy.get("PasswordReusePrevention"):
        kept["PasswordReusePrevention"] = policy["PasswordReusePrevention"]
    iam.update_account_password_policy(**kept, MinimumPasswordLength=8)  # weakened out of band
    config = remote.aws("config")
    recorder = config.describe_configuration_recorders()["ConfigurationRecorders"][0]["name"]
    config.stop_configuration_recorder(ConfigurationRecorderName=recorder)
    ec2 = remote.aws("ec2")
    flow_log = ec2.describe_flow_logs()["FlowLogs"][0]["FlowLogId"]
    ec2.delete_flow_logs(FlowLogIds=[flow_log])

    code, report = drift(remote, tmp_path / "out", monkeypatch)
    assert code == 1
    new = {address: message for address, message in drifted(report).items() if address not in baseline}
    policy = next(message for address, message in new.items() if "password_policy" in address)
    assert "minimum_password_length: 14 -> 8" in policy
    assert any("recorder_status" in address and "is_enabled" in msg for address, msg in new.items())
    assert any(
        "aws_flow_log" in address and msg == "deleted outside Terraform" for address, msg in new.items()
    )
    assert (tmp_path / "out" / "report.md").is_file() and (tmp_path / "out" / "report.sarif").is_file()
    assert remote.state() == before  # a drift check never writes state


def test_a_live_review_of_a_destructive_change_is_blocked(
    remote: Remote, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = remote.state()

    def drop_recorders(config: dict[str, Any]) -> None:
        """AWS Config taken out of the stack: recorders, and all that refers to them."""
        assert "aws_config_configuration_recorder" in config["resource"]
        for kind in [kind for kind in config["resource"] if kind.startswith("aws_config_")]:
            del config["resource"][kind]

    monkeypatch.chdir(ROOT)
    monkeypatch.setattr("modules.synth.synthesize_in_child", copying(remote.stack_dir, drop_recorders))
    out = tmp_path / "out"
    code = main(["review", "--live", "--env", STACK, "--out", str(out), "--no-plan-cache"])
    assert code == 1, capsys.readouterr().err[-3000:]
    report = json.loads((out / "report.json").read_text())
    assert "deployed state" in report["summary"]["prior_state"]
    blocked = {
        r["address"] for r in report["results"] if r["check_id"] == "LZ_CHG_001" and r["status"] == "failed"
    }
    assert any(address.startswith("aws_config_configuration_recorder.") for address in blocked)
    assert "aws_config_configuration_recorder." in (out / "report.md").read_text().split("<details", 1)[0]
    assert remote.state() == before  # read only: no state written, no lock left behind
    assert "Contents" not in remote.s3.list_objects_v2(Bucket=BUCKET, Prefix=f"{KEY}.tflock")


def apply(directory: Path, deployment: Deployment) -> subprocess.CompletedProcess[str]:
    terraform = deployment.deployer.terraform
    init = terraform.run(directory, "init", "-input=false", "-no-color")
    assert init.returncode == 0, init.stderr[-3000:]
    return terraform.run(directory, "apply", "-auto-approve", "-input=false", "-no-color", "-lock-timeout=0s")


def test_an_apply_waits_for_nobody_it_fails_on_a_held_lock_and_the_state_stays_intact(
    remote: Remote, deployment: Deployment, tmp_path: Path
) -> None:
    work = tmp_path / "held"
    shutil.copytree(remote.stack_dir, work)
    before = remote.state()
    lock = {"ID": "e2e-held", "Operation": "OperationTypeApply", "Who": "e2e", "Version": "1.11.4"}
    remote.s3.put_object(Bucket=BUCKET, Key=f"{KEY}.tflock", Body=json.dumps(lock).encode())
    try:
        result = apply(work, deployment)
    finally:
        remote.s3.delete_object(Bucket=BUCKET, Key=f"{KEY}.tflock")
    assert result.returncode != 0
    assert "Error acquiring the state lock" in result.stdout + result.stderr
    assert remote.state() == before


def test_two_applies_at_once_one_state(remote: Remote, deployment: Deployment, tmp_path: Path) -> None:
    copies = [tmp_path / f"apply-{n}" for n in (1, 2)]
    for copy in copies:
        shutil.copytree(remote.stack_dir, copy)
    serial = json.loads(remote.state())["serial"]
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda directory: apply(directory, deployment), copies))
    outputs = [result.stdout + result.stderr for result in results]
    assert any(result.returncode == 0 for result in results), outputs
    for result, output in zip(results, outputs, strict=True):
        assert result.returncode == 0 or "Error acquiring the state lock" in output, output[-3000:]
    state = json.loads(remote.state())  # whole, and written by whoever held the lock
    assert state["serial"] >= serial and state["resources"]
    assert "Contents" not in remote.s3.list_objects_v2(Bucket=BUCKET, Prefix=f"{KEY}.tflock")
