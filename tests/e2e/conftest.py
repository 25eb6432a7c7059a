"""Session fixtures of the emulator tier: one moto server, every stack applied once, re-planned."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
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


def cdktf_deploy(stack: str, deployer: Deployer) -> str:
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
            stack,
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
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"cdktf deploy {stack} failed:\n{output[-4000:]}"
    return output


@pytest.fixture(scope="session")
def deployment(emulator: str, sample_estate: Estate, tmp_path_factory: pytest.TempPathFactory) -> Deployment:
    from modules.stacks.app import build_app

    root = tmp_path_factory.mktemp("e2e")
    state_dir = root / "state"
    build_app(sample_estate, root / "synth", emulator_endpoint=emulator, state_dir=state_dir).synth()
    deployer = Deployer(root / "synth", root / "work")
    cli_output = ""
    levels = dependency_levels(sample_estate)
    # Every stack is prepared first: `cdktf deploy --skip-synth` reads the whole output folder.
    runs = {name: deployer.prepare(name) for level in levels for name in level}
    for level in levels:
        if CDKTF_CLI_STACK in level:
            cli_output = cdktf_deploy(CDKTF_CLI_STACK, deployer)
        # Stacks of one level only depend on earlier levels: apply them side by side.
        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(deployer.apply, [runs[n] for n in level if n != CDKTF_CLI_STACK]))
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(deployer.replan, [run for run in runs.values() if run.apply_error is None]))
    report(runs)
    return Deployment(emulator, sample_estate, runs, cli_output, deployer, state_dir)


def dependency_levels(estate: Estate) -> list[list[str]]:
    """Stacks grouped so that every stack comes after all it depends on (topology order kept)."""
    levels: list[list[str]] = []
    placed: dict[str, int] = {}
    for spec in topology(estate).stacks:
        level = 1 + max((placed[d] for d in spec.depends_on if d in placed), default=-1)
        placed[spec.name] = level
        if level == len(levels):
            levels.append([])
        levels[level].append(spec.name)
    return levels


REPORT: list[str] = []


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the excluded-resource list and the idempotency result per stack at the end of the run."""
    if REPORT:
        terminalreporter.section("emulator deployment")
        for line in REPORT:
            terminalreporter.write_line(line)


def report(runs: dict[str, StackRun]) -> None:
    """What the emulator run left out and whether every stack re-planned clean."""
    lines = ["Excluded resource types (tests/e2e/exclusions.yaml):"]
    lines += exclusions().lines()
    for run in runs.values():
        verdict = {0: "no changes (idempotent)", 2: "CHANGES PENDING", None: "not re-planned"}.get(
            run.replan_exit_code, f"plan error (exit {run.replan_exit_code})"
        )
        status = "applied" if run.apply_error is None else "APPLY FAILED"
        lines.append(f"  stack {run.name:<13} {status}; re-plan: {verdict}; pruned {len(run.removed)}")
        lines += [f"      pruned {address}" for address in run.removed]
    REPORT[:] = lines
