"""Session fixtures: the provider bindings are imported once per test session (~1 minute)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from modules.config import Estate, load_estate
from tests.support import SAMPLE, synthesize_to

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")


@pytest.fixture(scope="session")
def sample_estate() -> Estate:
    return load_estate(SAMPLE)


@pytest.fixture(scope="session")
def sample_synth_dir(sample_estate: Estate, tmp_path_factory: pytest.TempPathFactory) -> Path:
    outdir = tmp_path_factory.mktemp("synth") / "cdktf.out"
    synthesize_to(sample_estate, outdir)
    return outdir


@pytest.fixture(scope="session")
def sample_stacks(sample_synth_dir: Path) -> dict[str, dict[str, Any]]:
    """stack name -> synthesized cdk.tf.json of the sample estate."""
    return {
        stack_dir.name: json.loads((stack_dir / "cdk.tf.json").read_text())
        for stack_dir in sorted((sample_synth_dir / "stacks").iterdir())
    }


@pytest.fixture(scope="session")
def sample_plans(sample_synth_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """stack name -> StackPlan: offline `terraform plan` of every synthesized sample stack."""
    from modules.review.planning import plan_stacks

    root = tmp_path_factory.mktemp("plans")
    stacks = sorted(path.name for path in (sample_synth_dir / "stacks").iterdir())
    plans = plan_stacks(sample_synth_dir, root / "plans", root / "build", stacks)
    return {plan.name: plan for plan in plans}
