"""Deploy synthesized stacks into a local AWS emulator with Terraform, the way a user would.

Test-tier code: starts moto server on loopback, applies stacks in dependency order, re-plans
for idempotency, and reads resources back with boto3 (never from our own JSON).
"""

from __future__ import annotations

import json
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import yaml

from modules.review.terraform_cli import Terraform, find_mirror, write_cli_config
from tests.e2e.edits import drop_values, ignore_changes, prune

EXCLUSIONS_FILE = Path(__file__).with_name("exclusions.yaml")
REGION = "ap-northeast-1"


@dataclass(frozen=True)
class Exclusions:
    resource_types: dict[str, str]
    values: list[dict[str, str]]
    ignored: list[dict[str, Any]]

    def __len__(self) -> int:
        return len(self.resource_types) + len(self.values) + len(self.ignored)

    def reasons(self) -> list[Any]:
        return [
            *self.resource_types.values(),
            *(v.get("reason") for v in self.values),
            *(i.get("reason") for i in self.ignored),
        ]

    def lines(self) -> list[str]:
        lines = [f"  {kind}: {reason}" for kind, reason in self.resource_types.items()]
        for v in self.values:
            lines.append(f"  {v['resource_type']}.{v['attribute']} value {v['value']}: {v['reason']}")
        for i in self.ignored:
            kinds, attributes = ", ".join(i["resource_types"]), ", ".join(i["attributes"])
            lines.append(f"  {kinds} ignore_changes {attributes}: {i['reason']}")
        return lines


def exclusions() -> Exclusions:
    data = yaml.safe_load(EXCLUSIONS_FILE.read_text()) or {}
    result = Exclusions(
        dict(data.get("resource_types") or {}),
        list(data.get("values") or []),
        list(data.get("ignore_changes") or []),
    )
    assert all(isinstance(reason, str) and reason.strip() for reason in result.reasons()), (
        "every exclusion needs a reason"
    )
    return result


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def moto_server() -> Iterator[str]:
    """A moto server on 127.0.0.1 for the duration of the block; always stopped afterwards."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
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


@dataclass
class StackRun:
    name: str
    directory: Path
    removed: list[str] = field(default_factory=list)
    adjusted: list[str] = field(default_factory=list)
    apply_error: str | None = None
    apply_output: str = ""
    replan_exit_code: int | None = None
    replan_output: str = ""


class Deployer:
    """Applies emulator-synthesized stacks with Terraform; one working folder per stack."""

    def __init__(self, synth_dir: Path, work_dir: Path, *, adopt: bool = False) -> None:
        self.synth_dir = synth_dir
        self.work_dir = work_dir
        # Import blocks adopt accounts that must exist first: only test_account_placement.py
        # creates them in the emulator; elsewhere the estate is deployed as new.
        self.adopt = adopt
        self.terraform = Terraform(write_cli_config(work_dir / "build", find_mirror()), timeout=600)
        self.excluded = exclusions()

    def prepare(self, stack: str) -> StackRun:
        target = self.work_dir / "stacks" / stack
        shutil.copytree(self.synth_dir / "stacks" / stack, target, dirs_exist_ok=True)
        # The manifest makes the work folder a cdktf output too (`cdktf deploy --skip-synth`).
        shutil.copy(self.synth_dir / "manifest.json", self.work_dir / "manifest.json")
        config_path = target / "cdk.tf.json"
        config = json.loads(config_path.read_text())
        if not self.adopt:
            config.pop("import", None)
        pruned, removed = prune(config, self.excluded.resource_types)
        dropped_values, dropped = drop_values(pruned, self.excluded.values)
        adjusted, ignored = ignore_changes(dropped_values, self.excluded.ignored)
        config_path.write_text(json.dumps(adjusted, indent=2))
        return StackRun(stack, target, removed, [*dropped, *ignored])

    def apply(self, run: StackRun) -> StackRun:
        """`init` + `apply`; the full output goes to `apply.log` in the stack folder."""
        for step in (
            ("init", "-input=false", "-no-color"),
            ("apply", "-auto-approve", "-input=false", "-no-color"),
        ):
            result = self.terraform.run(run.directory, *step)
            output = result.stdout + result.stderr
            (run.directory / f"{step[0]}.log").write_text(output)
            run.apply_output = output
            if result.returncode != 0:
                heading = f"terraform {step[0]} of {run.name} failed (exit {result.returncode}):"
                run.apply_error = f"{heading}\n{terraform_errors(output)}"
                return run
        run.apply_error = None
        return run

    def replan(self, run: StackRun) -> StackRun:
        result = self.terraform.run(run.directory, "plan", "-detailed-exitcode", "-input=false", "-no-color")
        run.replan_exit_code = result.returncode
        run.replan_output = (result.stdout + result.stderr)[-4000:]
        return run

    def interrupted_apply(self, run: StackRun) -> tuple[int, int, str]:
        """Start `apply` and send SIGINT (Ctrl-C) once half of the planned resources are created.

        Returns how many were to be created, terraform's exit code and its output.
        """
        self.terraform.run(run.directory, "init", "-input=false", "-no-color")
        process = subprocess.Popen(
            [self.terraform.binary, "apply", "-auto-approve", "-input=false", "-no-color"],
            cwd=run.directory,
            env=self.terraform.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert process.stdout is not None
        seen: list[str] = []
        planned = created = 0
        for line in process.stdout:
            seen.append(line)
            if match := re.match(r"Plan: (\d+) to add", line):
                planned = int(match.group(1))
            created += "Creation complete" in line
            if planned and created >= planned // 2:
                process.send_signal(signal.SIGINT)
                break
        rest, _ = process.communicate(timeout=300)
        return planned, process.returncode, "".join(seen) + (rest or "")

    def state_addresses(self, run: StackRun) -> list[str]:
        result = self.terraform.run(run.directory, "state", "list")
        return result.stdout.split()


def terraform_errors(output: str) -> str:
    """The `Error:` diagnostics of a terraform run (what a user needs to read), else its tail."""
    lines = [line.removeprefix("│").strip() if line.startswith("│") else line for line in output.splitlines()]
    first = next((i for i, line in enumerate(lines) if line.startswith("Error:")), None)
    text = "\n".join(lines[first:] if first is not None else lines)
    return text[:4000] if first is not None else text[-4000:]


def isolate(run: StackRun, directory: Path, *, endpoint: str, state: Path) -> StackRun:
    """A copy of a prepared stack that talks to another emulator and keeps its state elsewhere.

    The session's stack folder and state are left untouched.
    """
    shutil.copytree(
        run.directory, directory, ignore=shutil.ignore_patterns(".terraform", ".terraform.lock.hcl", "*.log")
    )
    config_path = directory / "cdk.tf.json"
    config = json.loads(config_path.read_text())
    for provider in config["provider"]["aws"]:
        provider["endpoints"] = [dict.fromkeys(provider["endpoints"][0], endpoint)]
    config["terraform"]["backend"] = {"local": {"path": str(state)}}
    config_path.write_text(json.dumps(config, indent=2))
    return StackRun(run.name, directory, list(run.removed), list(run.adjusted))


def session_for(endpoint: str, account_id: str, role_name: str, region: str = REGION) -> boto3.Session:
    """Credentials for `account_id` the way Terraform gets them: assume the deployment role."""
    sts = boto3.client(
        "sts",
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id="emulator",
        aws_secret_access_key="emulator",
    )
    credentials = sts.assume_role(
        RoleArn=f"arn:aws:iam::{account_id}:role/{role_name}", RoleSessionName="e2e-readback"
    )["Credentials"]
    return boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name=region,
    )


def client(session: boto3.Session, service: str, endpoint: str, region: str = REGION) -> Any:
    return session.client(service, endpoint_url=endpoint, region_name=region)  # type: ignore[call-overload]
