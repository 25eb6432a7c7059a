"""Faults: an interrupted apply converges when re-run; a failing stack leaves the others intact.

Both start from the session's prepared stacks (no second synth). The interrupted apply gets its own
emulator; the failing stack runs beside the session deployment and must leave every other
stack's state untouched.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from tests.e2e.conftest import Deployment
from tests.e2e.harness import StackRun, client, free_port, isolate, moto_server, session_for

pytestmark = [pytest.mark.e2e, pytest.mark.synth, pytest.mark.terraform]

# Interrupted on purpose: the security stack has no `prevent_destroy` resource and needs no other
# stack inside the emulator but the log archive's bucket (the account baseline's default-VPC flow
# logs deliver there; it exists before any other stack in the deployment order). A stack with
# protected resources (log-archive, organization) can be left with a tainted half-created resource
# that Terraform refuses to replace; the README runbook covers that case (`terraform untaint
# <address>`, then apply again).
INTERRUPTED_STACK = "security"


def create_log_archive_bucket(deployment: Deployment, endpoint: str) -> None:
    """What the log-archive stack would have created first: the central log bucket."""
    org = deployment.estate.organization
    log_archive = org.accounts.log_archive.id
    assert log_archive is not None
    s3 = client(session_for(endpoint, log_archive, org.deployment.role_name), "s3", endpoint)
    s3.create_bucket(
        Bucket=deployment.estate.log_bucket,
        CreateBucketConfiguration={"LocationConstraint": org.home_region},
    )


# A create AWS accepted while Terraform was stopping: the flow log exists, the state lacks it.
ORPHANED_FLOW_LOG = re.compile(
    r"Error: creating Flow Log \((?P<resource>[^)]+)\)[^\n]*FlowLogAlreadyExists"
    r".*?with (?P<address>aws_flow_log\.[^,\s]+)",
    re.S,
)


def adopt_orphans(deployment: Deployment, endpoint: str, run: StackRun) -> list[str]:
    """The runbook's second case, as an operator follows it: each resource the re-run says
    already exists is imported (`terraform import <address> <id>`). Returns the addresses."""
    org = deployment.estate.organization
    audit = org.accounts.audit.id
    assert audit is not None
    session = session_for(endpoint, audit, org.deployment.role_name)
    adopted = []
    for match in ORPHANED_FLOW_LOG.finditer(run.apply_output or ""):
        filters = [{"Name": "resource-id", "Values": [match["resource"]]}]
        found = [
            flow_log["FlowLogId"]
            for region in org.approved_regions
            for flow_log in client(session, "ec2", endpoint, region).describe_flow_logs(Filter=filters)[
                "FlowLogs"
            ]
        ]
        assert len(found) == 1, f"expected one orphaned flow log of {match['resource']}, found {found}"
        imported = deployment.deployer.terraform.run(
            run.directory, "import", "-no-color", match["address"], found[0]
        )
        assert imported.returncode == 0, imported.stdout + imported.stderr
        adopted.append(match["address"])
    return adopted


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_interrupted_apply_converges_when_rerun(deployment: Deployment, tmp_path: Path) -> None:
    with moto_server() as endpoint:
        create_log_archive_bucket(deployment, endpoint)
        run = isolate(
            deployment.runs[INTERRUPTED_STACK],
            tmp_path / INTERRUPTED_STACK,
            endpoint=endpoint,
            state=tmp_path / f"{INTERRUPTED_STACK}.tfstate",
        )
        deployer = deployment.deployer
        planned, exit_code, output = deployer.interrupted_apply(run)
        assert planned, f"terraform planned nothing to create:\n{output[-3000:]}"
        assert exit_code != 0, f"the apply finished before the interrupt took effect:\n{output[-3000:]}"
        assert "Interrupt received" in output
        partial = deployer.state_addresses(run)
        assert 0 < len(partial) < planned, (
            f"expected a partial state after the interrupt, got {len(partial)} of {planned} resources"
        )

        deployer.apply(run)  # the same command again, nothing else
        if run.apply_error is not None and adopt_orphans(deployment, endpoint, run):
            deployer.apply(run)  # the runbook: what the interrupt orphaned imported, then again
        assert run.apply_error is None, run.apply_error
        deployer.replan(run)
        assert run.replan_exit_code == 0, run.replan_output
        assert len(deployer.state_addresses(run)) == planned


def test_failing_stack_reports_and_leaves_other_state_intact(deployment: Deployment, tmp_path: Path) -> None:
    """A stack whose every call fails (its endpoint is down), with its state beside the others'."""
    states = sorted(deployment.state_dir.glob("*.tfstate"))
    assert len(states) == len(deployment.runs)
    before = {path.name: digest(path) for path in states}

    dead = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    broken_state = deployment.state_dir / "broken-stg.tfstate"
    broken = isolate(deployment.runs["stg"], tmp_path / "broken-stg", endpoint=dead, state=broken_state)
    try:
        deployment.deployer.apply(broken)
    finally:
        broken_state.unlink(missing_ok=True)

    assert broken.apply_error is not None
    # The report names the stack and the step, and starts at Terraform's own error diagnostics.
    heading = "terraform apply of stg failed (exit 1):\nError:"
    assert broken.apply_error.startswith(heading), broken.apply_error
    # The provider fails at its first call (assume-role) against the dead endpoint, and says so.
    said = " ".join(broken.apply_error.split()).lower()  # terraform wraps its diagnostics
    assert "cannot assume iam role" in said
    assert "connection refused" in said
    # Every other stack's state is byte for byte what its own apply left (their re-plans are
    # checked by test_stack_replans_with_no_changes).
    assert {path.name: digest(path) for path in states} == before
