"""Every stack applies into the emulator, in dependency order, and re-plans with no changes."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import CDKTF_CLI_STACK, Deployment
from tests.e2e.harness import exclusions

pytestmark = [pytest.mark.e2e, pytest.mark.synth, pytest.mark.terraform]
STACKS = ["organization", "log-archive", "security", "dev", "prod", "stg"]


@pytest.mark.parametrize("stack", STACKS)
def test_stack_applies(stack: str, deployment: Deployment) -> None:
    run = deployment.runs[stack]
    assert run.apply_error is None, run.apply_error


@pytest.mark.parametrize("stack", STACKS)
def test_stack_replans_with_no_changes(stack: str, deployment: Deployment) -> None:
    run = deployment.runs[stack]
    assert run.replan_exit_code == 0, (
        f"re-plan of {stack} is not clean (exit {run.replan_exit_code}):\n{run.replan_output}"
    )


def test_one_stack_went_through_the_cdktf_cli(deployment: Deployment) -> None:
    assert CDKTF_CLI_STACK in deployment.cdktf_cli_output
    assert deployment.runs[CDKTF_CLI_STACK].replan_exit_code == 0


def test_exclusions_stay_few_and_reasoned() -> None:
    excluded = exclusions()
    # 25 before the perimeter and account baseline; 8 for what moto lacks of them (root access,
    # declarative policies, Macie organization, Security Hub controls, the AWSSupportAccess policy).
    assert len(excluded) <= 33, "the exclusion list keeps growing"
    assert all(len(reason) > 20 for reason in excluded.reasons())
    assert all(entry["resource_types"] and entry["attributes"] for entry in excluded.ignored)
