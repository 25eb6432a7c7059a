"""The project's own checks: one file per check in `policies/checks/`, each a decorated function.

    @check("LZ_LOG_001", "CloudWatch log groups keep logs for the retention floor")
    def log_group_retention_at_least_floor(ctx: CheckContext) -> Iterator[Outcome]:
        for stack, resource in ctx.planned("aws_cloudwatch_log_group"):
            yield Outcome(stack.name, resource.address, passed=..., message=...)

A check yields one `Outcome` per thing it looked at (passes too: the compliance map shows them).
Checks are plain Python loaded from files, so a new check needs no registration anywhere.

Scope: a check sees one stack at a time (`scope="stack"`, the default: its outcomes for a stack
depend only on that stack and the estate), or the role stacks together (`scope="roles"`:
organization, log-archive and security, e.g. "the organization trail records the log buckets").
The review judges stack by stack and never holds every plan at once (modules/review/judge.py);
tests/review/test_judge.py proves each check gives the same results judged so as over every stack.
"""

from __future__ import annotations

import importlib.util
import re
import sys
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from modules.config.models import Estate
from modules.config.topology import StackSpec, topology
from modules.review.model import SEVERITIES, PlannedResource, Result, StackView

CHECK_ID = re.compile(r"^LZ_[A-Z]{2,8}_\d{3}$")
Scope = Literal["stack", "roles"]
SCOPES: tuple[Scope, ...] = ("stack", "roles")


class CheckLoadError(Exception):
    """A check file cannot be loaded or defines its check wrongly; the review cannot be trusted."""


@dataclass(frozen=True)
class Outcome:
    stack: str
    address: str
    passed: bool
    message: str = ""


@dataclass(frozen=True)
class CheckContext:
    """What a check may read: the validated estate and every stack (synthesized + planned)."""

    estate: Estate
    stacks: Mapping[str, StackView]

    def planned(self, resource_type: str) -> Iterator[tuple[StackView, PlannedResource]]:
        for stack in self.stacks.values():
            for resource in stack.planned(resource_type):
                yield stack, resource

    def spec(self, stack: str) -> StackSpec | None:
        """Target account and region of a stack, from the estate's topology."""
        return next((spec for spec in topology(self.estate).stacks if spec.name == stack), None)

    def retention_floor(self, stack: str) -> int:
        """Days logs must be kept in this stack: the environment's (tightened) value or the org's."""
        env = self.estate.environments.get(stack)
        if env is not None:
            return self.estate.retention_days(env)
        return self.estate.organization.log_archive.retention_days


CheckFunction = Callable[[CheckContext], Iterable[Outcome]]


@dataclass(frozen=True)
class Check:
    id: str
    title: str
    severity: str
    function: CheckFunction
    path: Path | None = None
    scope: Scope = "stack"

    def run(self, context: CheckContext) -> list[Result]:
        return [
            Result(
                source="lz",
                check_id=self.id,
                title=self.title,
                stack=outcome.stack,
                address=outcome.address,
                passed=outcome.passed,
                message=outcome.message,
                severity=self.severity,
                guideline=f"policies/checks/{self.path.name}" if self.path else "",
            )
            for outcome in self.function(context)
        ]


def check(
    check_id: str, title: str, *, severity: str = "HIGH", scope: Scope = "stack"
) -> Callable[[CheckFunction], Check]:
    """Declare a check. The ID is stable forever (suppressions and the compliance map cite it).

    Which requirements it proves is said once, in `policies/compliance/baseline.yaml`."""
    if not CHECK_ID.match(check_id):
        raise CheckLoadError(f"check id '{check_id}' must look like LZ_<AREA>_<NNN>, e.g. LZ_LOG_001")
    if severity not in SEVERITIES:
        raise CheckLoadError(f"{check_id}: severity '{severity}' is not one of {', '.join(SEVERITIES)}")
    if scope not in SCOPES:
        raise CheckLoadError(f"{check_id}: scope '{scope}' is not one of {', '.join(SCOPES)}")

    def register(function: CheckFunction) -> Check:
        return Check(check_id, title, severity, function, scope=scope)

    return register


def _load_file(path: Path) -> list[Check]:
    module_name = f"lz_policy_checks.{path.stem}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise CheckLoadError(f"{path}: not a loadable Python file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except CheckLoadError as error:
        raise CheckLoadError(f"{path}: {error}") from None
    except Exception as error:  # a broken check must stop the review with its location, not a traceback
        where = traceback.extract_tb(error.__traceback__)[-1]
        raise CheckLoadError(
            f"{path}: cannot load ({type(error).__name__}: {error}, line {where.lineno})"
        ) from None
    found = [value for value in vars(module).values() if isinstance(value, Check)]
    if len(found) != 1:
        raise CheckLoadError(f"{path}: defines {len(found)} checks (expected exactly one @check per file)")
    return [Check(c.id, c.title, c.severity, c.function, path, c.scope) for c in found]


def load_checks(directory: Path) -> list[Check]:
    """Every `*.py` in `directory` (files starting with `_` are helpers), sorted by ID, IDs unique."""
    if not directory.is_dir():
        raise CheckLoadError(f"{directory}: check folder not found (expected policies/checks/)")
    checks: dict[str, Check] = {}
    for path in sorted(directory.glob("*.py")):
        if path.name.startswith("_"):
            continue
        for loaded in _load_file(path):
            if loaded.id in checks:
                raise CheckLoadError(
                    f"{path}: check id {loaded.id} is already used by {checks[loaded.id].path}"
                )
            checks[loaded.id] = loaded
    return [checks[key] for key in sorted(checks)]


def run_checks(checks: Iterable[Check], context: CheckContext) -> list[Result]:
    """Run every check; a check that raises is a bug in the check and stops the review."""
    results: list[Result] = []
    for item in checks:
        try:
            results.extend(item.run(context))
        except Exception as error:
            where = traceback.extract_tb(error.__traceback__)[-1]
            raise CheckLoadError(
                f"check {item.id} ({item.path}) crashed: {type(error).__name__}: {error} "
                f"(at {Path(where.filename).name}:{where.lineno})"
            ) from None
    return results
