"""Plans against the deployed estate: each stack's own backend, read only, refreshed from AWS.

Used when credentials exist (`lz review --live`, `lz drift`). A live copy of each synthesized
stack keeps its backend (local path made absolute, or S3 with Terraform's native lock file) and
its providers, optionally assuming a read-only plan role instead of the deployment role. Terraform
runs `init` and `plan -refresh=true -lock=false`: a plan never writes state, and without the lock
a review never blocks (or waits for) a deploy. `prevent_destroy` is dropped as in offline plans,
so a destroy is planned and reported instead of stopping the plan; nothing here is ever applied.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from modules.review.terraform_cli import StackPlan, Terraform
from modules.targets.offline import drop_prevent_destroy


def live_copy(synthesized: dict[str, Any], stack_dir: Path, *, role_name: str | None) -> dict[str, Any]:
    """The stack as it deploys, but for planning only (see module doc)."""
    live = copy.deepcopy(synthesized)
    for provider in live.get("provider", {}).get("aws", []):
        for assume in provider.get("assume_role", []) or []:
            if role_name and "role_arn" in assume:
                assume["role_arn"] = assume["role_arn"].rsplit("/", 1)[0] + f"/{role_name}"
    drop_prevent_destroy(live)
    local = live.get("terraform", {}).get("backend", {}).get("local")
    if local is not None and "path" in local:
        # The copy plans in another folder: the recorded state stays where the stack points.
        local["path"] = os.path.normpath(stack_dir.resolve() / local["path"])
    return live


def plan_live(
    synth_dir: Path,
    plan_root: Path,
    stacks: Iterable[str],
    terraform: Terraform,
    *,
    role_name: str | None = None,
    workers: int = 2,
    on_done: Callable[[StackPlan], None] | None = None,
) -> list[StackPlan]:
    """One refreshed plan per stack (alone: each has its own backend), in the order given."""
    names = list(stacks)

    def plan(name: str) -> StackPlan:
        started = time.monotonic()
        source = synth_dir / "stacks" / name
        target = plan_root / name
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(source, target, ignore=shutil.ignore_patterns(".terraform", "*.tfstate*"))
        config_path = target / "cdk.tf.json"
        synthesized = json.loads(config_path.read_text(encoding="utf-8"))
        config_path.write_text(
            json.dumps(live_copy(synthesized, source, role_name=role_name), indent=2), encoding="utf-8"
        )
        shown, error = terraform.show_plan(target, refresh=True)
        result = StackPlan(name, target, None, error, time.monotonic() - started)
        if error is None:
            plan_json = target / "plan.json"
            plan_json.write_text(shown, encoding="utf-8")
            result = StackPlan(name, target, plan_json, None, time.monotonic() - started)
        if on_done is not None:
            on_done(result)
        return result

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        return list(pool.map(plan, names))
