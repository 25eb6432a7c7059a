"""Check fixtures: real offline plans of small Terraform configs, with the expected failures.

Layout: `policies/checks/fixtures/<CHECK_ID>/<case>/<stack>.tf.json` (what the stack would
synthesize, real provider settings included) next to `<stack>.plan.json` (its offline
`terraform show -json`, made by `python -m modules.review.fixtures`). A case named `pass*` must
produce no failure; a `fail*` case lists the addresses it must fail in its `.tf.json` comment:
`"//": {"expect_failing": ["aws_cloudwatch_log_group.short"]}` (add `"plannable": false` for a
config that cannot be planned offline; it gets an empty plan).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from modules.review.errors import ToolError
from modules.review.model import StackView
from modules.review.terraform_cli import Terraform, find_mirror, write_cli_config
from modules.targets.offline import offline_copy

DEFAULT_ROOT = Path("policies/checks/fixtures")
CONFIG_SUFFIX, PLAN_SUFFIX = ".tf.json", ".plan.json"


@dataclass(frozen=True)
class Case:
    check_id: str
    name: str
    directory: Path
    stacks: dict[str, StackView]
    expect_failing: frozenset[str]  # "<stack>:<address>"


def _read(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def load_case(directory: Path) -> Case:
    stacks: dict[str, StackView] = {}
    expected: set[str] = set()
    for config_path in sorted(directory.glob(f"*{CONFIG_SUFFIX}")):
        stack = config_path.name.removesuffix(CONFIG_SUFFIX)
        plan_path = directory / f"{stack}{PLAN_SUFFIX}"
        if not plan_path.is_file():
            raise FileNotFoundError(f"{plan_path} missing: run `python -m modules.review.fixtures`")
        synthesized = _read(config_path)
        expected.update(f"{stack}:{a}" for a in synthesized.get("//", {}).get("expect_failing", []))
        stacks[stack] = StackView(stack, synthesized, _read(plan_path))
    return Case(directory.parent.name, directory.name, directory, stacks, frozenset(expected))


def find_cases(root: Path = DEFAULT_ROOT) -> list[Path]:
    return sorted(path for path in root.glob("*/*") if path.is_dir())


def plan_fixture(terraform: Terraform, config_path: Path) -> dict[str, Any]:
    """Plan one fixture config offline, the way the review plans a synthesized stack."""
    if _read(config_path).get("//", {}).get("plannable", True) is False:
        # A config the offline plan must reject (e.g. a data source calling AWS): the check under
        # test reads the synthesized config; an empty plan stands in.
        return {"format_version": "1.2", "//": "not plannable offline, by design of this case"}
    with tempfile.TemporaryDirectory(prefix="lz-fixture-") as scratch:
        workdir = Path(scratch)
        config = offline_copy(_read(config_path))
        config.pop("//", None)
        (workdir / "main.tf.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
        result = terraform.plan(workdir)
        if not result.ok or result.plan_json is None:
            raise ToolError(f"{config_path}: {result.error}")
        plan = _read(result.plan_json)
    plan.pop("timestamp", None)  # keeps regenerated fixtures diff-free
    return plan


def regenerate(root: Path, only: list[str]) -> list[Path]:
    with tempfile.TemporaryDirectory(prefix="lz-fixture-build-") as build:
        terraform = Terraform(write_cli_config(Path(build), find_mirror()))
        written = []
        for case in find_cases(root):
            if only and case.parent.name not in only:
                continue
            for config_path in sorted(case.glob(f"*{CONFIG_SUFFIX}")):
                plan = plan_fixture(terraform, config_path)
                target = config_path.with_name(config_path.name.replace(CONFIG_SUFFIX, PLAN_SUFFIX))
                target.write_text(json.dumps(plan, indent=1, sort_keys=True) + "\n", encoding="utf-8")
                written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Refresh the plan JSON of check fixtures.")
    parser.add_argument("checks", nargs="*", help="only these check IDs (default: all)")
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT)
    args = parser.parse_args(argv)
    try:
        for path in regenerate(args.root, args.checks):
            print(f"wrote {path}")
    except ToolError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
