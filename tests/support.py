"""Helpers shared by the test tiers: sample paths, estate variants, one synthesis per estate."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from modules.config import Estate, load_estate

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "environments"

Edit = Callable[[dict[str, dict[str, Any]]], None]


def generated_estate(target: Path, count: int) -> Path:
    """The sample organization plus `count` environments cloned from dev with disjoint CIDRs
    (tests and benchmarks: an estate of any size)."""
    target.mkdir(parents=True, exist_ok=True)
    (target / "organization.yaml").write_text((SAMPLE / "organization.yaml").read_text())
    dev = yaml.safe_load((SAMPLE / "dev.yaml").read_text())
    for index in range(count):
        env = {**dev, "name": f"env{index:02d}"}
        env["account"] = {
            "id": f"{900000000000 + index}",
            "name": f"acme-env{index:02d}",
            "email": f"aws-env{index:02d}@acme.example",
        }
        env["network"] = {**dev["network"], "cidr": f"10.{100 + index}.0.0/16"}
        (target / f"env{index:02d}.yaml").write_text(yaml.safe_dump(env, sort_keys=False))
    return target


def copy_sample(target: Path) -> Path:
    """A writable copy of the sample estate's YAML files."""
    shutil.copytree(SAMPLE, target, ignore=shutil.ignore_patterns("schema"))
    return target


def write_variant(target: Path, edit: Edit) -> Path:
    """The sample estate with `edit` applied to its parsed files ({'organization': {...}, 'prod': ...})."""
    copy_sample(target)
    files = {path.stem: yaml.safe_load(path.read_text()) for path in target.glob("*.yaml")}
    edit(files)
    for path in target.glob("*.yaml"):
        path.unlink()
    for stem, data in files.items():
        if data is not None:
            (target / f"{stem}.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    return target


def load_variant(target: Path, edit: Edit) -> Estate:
    return load_estate(write_variant(target, edit))


def synthesize_to(estate: Estate, outdir: Path) -> dict[str, dict[str, Any]]:
    """Synthesize every stack of `estate` into `outdir` and return stack name -> cdk.tf.json."""
    from modules.stacks.app import build_app

    build_app(estate, outdir).synth()
    return {
        stack_dir.name: json.loads((stack_dir / "cdk.tf.json").read_text())
        for stack_dir in sorted((outdir / "stacks").iterdir())
    }


def resources(stack: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    """Every resource of one type in a synthesized stack, by its Terraform name."""
    return dict(stack.get("resource", {}).get(resource_type, {}))


def planned_resources(plan: dict[str, Any], resource_type: str | None = None) -> list[dict[str, Any]]:
    """`planned_values` resources of a plan JSON, including child modules."""
    found: list[dict[str, Any]] = []
    modules = [plan.get("planned_values", {}).get("root_module", {})]
    while modules:
        module = modules.pop()
        found.extend(r for r in module.get("resources", []) if resource_type in (None, r["type"]))
        modules.extend(module.get("child_modules", []))
    return found
