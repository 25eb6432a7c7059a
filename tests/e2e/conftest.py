"""Session fixtures of the emulator tier: one moto server, every stack applied once, re-planned."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

import pytest

from modules.config import Estate
from modules.config.topology import topology
from tests.e2e.harness import Deployer, StackRun, exclusions, moto_server
from tests.support import ROOT

# Deployed with `cdktf deploy` (the cdktf CLI path a user takes); the others with terraform apply.
CDKTF_CLI_STACK = "log-archive"

pytestmark = pytest.mark.e2e


@dataclass
class Deployment:
    endpoint: str
    estate: Estate
    runs: dict[str, StackRun]
    cdktf_cli_output: str
    deployer: Deployer
    state_dir: Path


@pytest.fixture(scope="session")
def emulator() -> Iterator[str]:
    with moto_server() as url:
        yield url


def cdktf_deploy(run: StackRun, deployer: Deployer) -> StackRun:
    """`cdktf deploy <stack>` on the prepared (emulator-synthesized, pruned) output folder."""
    env = {
        **deployer.terraform.env,
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
        "CI": "1",
    }
    result = subprocess.run(
        [
            "npx",
            "--no-install",
            "cdktf",
            "deploy",
            run.name,
            "--skip-synth",
            "--skip-provider-lock",
            "--auto-approve",
            "--output",
            str(deployer.work_dir),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    run.apply_output = result.stdout + result.stderr
    (run.directory / "cdktf-deploy.log").write_text(run.apply_output)
    run.apply_error = (
        None
        if result.returncode == 0
        else f"cdktf deploy {run.name} failed (exit {result.returncode}):\n{run.apply_output[-4000:]}"
    )
    return run


@pytest.fixture(scope="session")
def deployment(emulator: str, sample_estate: Estate, tmp_path_factory: pytest.TempPathFactory) -> Deployment:
    from modules.synth import synthesize

    root = tmp_path_factory.mktemp("e2e")
    state_dir = root / "state"
    synthesize(sample_estate, root / "synth", emulator_endpoint=emulator, state_dir=state_dir)
    deployer = Deployer(root / "synth", root / "work")
    order = {spec.name: set(spec.depends_on) for spec in topology(sample_estate).stacks}
    # Every stack is prepared first: `cdktf deploy --skip-synth` reads the whole output folder.
    runs = {name: deployer.prepare(name) for name in order}

    def apply(run: StackRun) -> StackRun:
        return cdktf_deploy(run, deployer) if run.name == CDKTF_CLI_STACK else deployer.apply(run)

    deploy_in_dependency_order(runs, order, apply, deployer.replan)
    report(runs)
    return Deployment(emulator, sample_estate, runs, runs[CDKTF_CLI_STACK].apply_output, deployer, state_dir)


# Terraform runs at once (one per core: terraform and the provider are CPU-bound, moto is not).
WORKERS = 2


def deploy_in_dependency_order(
    runs: dict[str, StackRun],
    order: dict[str, set[str]],
    apply: Callable[[StackRun], StackRun],
    replan: Callable[[StackRun], StackRun],
) -> None:
    """Apply each stack once everything it depends on is applied; re-plan it as soon as it is.

    A stack whose dependency failed is not applied (and says why); the re-plans of applied
    stacks run beside the applies of later ones.
    """
    waiting = {name: deps & set(runs) for name, deps in order.items()}
    applied: set[str] = set()
    failed: set[str] = set()
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        running: dict[Future[StackRun], str] = {}

        def start_ready() -> None:
            while ready := [name for name, deps in waiting.items() if deps <= applied | failed]:
                for name in ready:
                    deps = waiting.pop(name)
                    if deps & failed:
                        runs[name].apply_error = f"not applied: {', '.join(sorted(deps & failed))} failed"
                        failed.add(name)
                    else:
                        running[pool.submit(apply, runs[name])] = "apply"

        start_ready()
        while running:
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                step, run = running.pop(future), future.result()
                if step == "apply":
                    (applied if run.apply_error is None else failed).add(run.name)
                    start_ready()  # applies first: they gate the stacks after them
                    if run.apply_error is None:
                        running[pool.submit(replan, run)] = "replan"


REPORT: list[str] = []


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the excluded-resource list and the idempotency result per stack at the end of the run."""
    if REPORT:
        terminalreporter.section("emulator deployment")
        for line in REPORT:
            terminalreporter.write_line(line)


def report(runs: dict[str, StackRun]) -> None:
    """What the emulator run left out and whether every stack re-planned clean."""
    lines = ["Excluded or adjusted for the emulator (tests/e2e/exclusions.yaml):"]
    lines += exclusions().lines()
    lines.append("Idempotency (terraform plan -detailed-exitcode after apply), per stack:")
    for run in runs.values():
        verdict = {0: "no changes (idempotent)", 2: "CHANGES PENDING", None: "not re-planned"}.get(
            run.replan_exit_code, f"plan error (exit {run.replan_exit_code})"
        )
        status = "applied" if run.apply_error is None else "APPLY FAILED"
        lines.append(
            f"  stack {run.name:<13} {status}; re-plan: {verdict}; "
            f"pruned {len(run.removed)}, adjusted {len(run.adjusted)}"
        )
        lines += [f"      pruned {address}" for address in run.removed]
        lines += [f"      adjusted {line}" for line in run.adjusted]
    REPORT[:] = lines
