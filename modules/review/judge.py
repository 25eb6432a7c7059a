"""The review's judging phase: one stack at a time, then the role stacks, then the verdict.

Planning and checkov leave one plan and one set of checkov results per stack. Judging a stack
(`judge_stack`) reads its synthesized config and plan, runs the stack-scope checks on it alone,
lists its changes and its `prevent_destroy` addresses, and keeps only that (a `StackJudgement`):
the plan is dropped before the next stack is read. The role stacks' views (organization,
log-archive, security: three, however many environments) are kept for the role-scope checks and
the access matrix. So no phase holds every plan at once (tests/review/test_judge.py measures it).

A single review, a shard and a merge all end in `finish`, over the same judgements: a merged
verdict is the single run's verdict by construction.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from modules.config import Estate
from modules.config.topology import ROLE_STACKS, topology
from modules.core.errors import display_path
from modules.review import prior_state
from modules.review.change_safety import Change, ChangeContext, orphaned, plan_changes
from modules.review.checks import Check, CheckContext, run_checks
from modules.review.compliance import evaluate
from modules.review.model import Result, StackView, Waiver
from modules.review.policy_set import Policies
from modules.review.provenance import key_origin, replacement_origin
from modules.review.reports.access import access_report
from modules.review.verdict import Review
from modules.targets.offline import missing_providers, protected_addresses


@dataclass(frozen=True)
class StackJudgement:
    """What the verdict needs of one stack once its plan is dropped."""

    stack: str
    checkov: tuple[Result, ...]
    checks: tuple[Result, ...]  # the stack-scope checks' results
    changes: tuple[Change, ...]
    protected: tuple[str, ...]  # addresses the head marks prevent_destroy

    def as_json(self) -> dict[str, Any]:
        return {
            "stack": self.stack,
            "checkov": [dataclasses.asdict(result) for result in self.checkov],
            "checks": [dataclasses.asdict(result) for result in self.checks],
            "changes": [dataclasses.asdict(change) for change in self.changes],
            "protected": list(self.protected),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> StackJudgement:
        return cls(
            stack=str(data["stack"]),
            checkov=tuple(result_from_json(item) for item in data["checkov"]),
            checks=tuple(result_from_json(item) for item in data["checks"]),
            changes=tuple(change_from_json(item) for item in data["changes"]),
            protected=tuple(str(address) for address in data["protected"]),
        )


def result_from_json(data: Mapping[str, Any]) -> Result:
    fields = dict(data)
    waiver = fields.pop("waiver", None)
    return Result(**fields, waiver=Waiver(**waiver) if waiver else None)


def change_from_json(data: Mapping[str, Any]) -> Change:
    fields = dict(data)
    fields["replace_paths"] = tuple(fields.get("replace_paths") or ())
    return Change(**fields)


def stack_checks(checks: Iterable[Check]) -> list[Check]:
    return [check for check in checks if check.scope == "stack"]


def role_checks(checks: Iterable[Check]) -> list[Check]:
    return [check for check in checks if check.scope == "roles"]


def judge_stack(
    estate: Estate,
    checks: Sequence[Check],
    view: StackView,
    state: Mapping[str, Any] | None,
    checkov: Iterable[Result],
) -> StackJudgement:
    """One stack judged alone. `state`: its prior state (None: planned without one)."""
    ours = run_checks(stack_checks(checks), CheckContext(estate, {view.name: view}))
    removed = _removed_regions(state, view.synthesized) if state is not None else {}
    changes = _with_origins(plan_changes(view, removed), view, estate)
    return StackJudgement(
        stack=view.name,
        # checkov lists graph checks in an order that depends on what it scanned together.
        checkov=tuple(sorted(checkov, key=lambda r: (r.check_id, r.address, r.passed, r.message))),
        checks=tuple(ours),
        changes=tuple(changes),
        protected=tuple(sorted(protected_addresses(view.synthesized))),
    )


def _with_origins(changes: list[Change], view: StackView, estate: Estate) -> list[Change]:
    """Each replacement and removed-region destroy with the YAML key that caused it, where known."""
    raw = {str(change.get("address")): change for change in view.resource_changes}
    regions = key_origin(estate, "organization", ("approved_regions",))
    annotated = []
    for change in changes:
        origin = None
        if change.action == "replace" and change.address in raw:
            origin = replacement_origin(raw[change.address], view.synthesized, estate, view.name)
        elif change.region_removed:
            origin = regions
        annotated.append(dataclasses.replace(change, origin=str(origin)) if origin else change)
    return annotated


def _removed_regions(state: Mapping[str, Any], synthesized: dict[str, Any]) -> dict[str, str]:
    """address -> alias for state resources whose provider the stack no longer configures."""
    gone = {f"aws.{alias}" for alias in missing_providers(synthesized, dict(state))}
    return {
        address: key.split(".", 1)[1]
        for address, key in prior_state.state_resource_providers(dict(state)).items()
        if key in gone
    }


def removed_stack_changes(states: Mapping[str, Mapping[str, Any]]) -> dict[str, list[Change]]:
    """The orphaned resources of each stack the prior state has and the head does not."""
    found = {stack: orphaned(stack, state) for stack, state in sorted(states.items())}
    return {stack: changes for stack, changes in found.items() if changes}


@dataclass
class Judged:
    """Everything `finish` needs: each stack's judgement, the role stacks' views, the prior side."""

    judgements: dict[str, StackJudgement]
    role_views: dict[str, StackView]
    removed: dict[str, list[Change]] = field(default_factory=dict)  # orphans of removed stacks
    base_protected: dict[str, list[str]] = field(default_factory=dict)  # the base's prevent_destroy
    prior_state: str = ""
    checkov_version: str = ""
    timings: dict[str, float] = field(default_factory=dict)
    reused_plans: list[str] = field(default_factory=list)
    reused_checkov: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)  # results taken from the judgement cache
    changed: list[str] | None = None  # with --changed: the stacks the change touches


def finish(estate: Estate, policies: Policies, judged: Judged) -> Review:
    """Pure: the role-scope checks, change safety, suppressions, compliance, the access matrix."""
    order = topology(estate).names  # organization, log-archive, security, then environments
    stacks = sorted(judged.judgements, key=lambda name: _position(order, name))
    views = judged.role_views
    roles = CheckContext(estate, {name: views[name] for name in ROLE_STACKS if name in views})
    ours = _ordered_results(
        policies.checks,
        order,
        [result for name in stacks for result in judged.judgements[name].checks],
        run_checks(role_checks(policies.checks), roles),
    )
    checkov = [result for name in stacks for result in judged.judgements[name].checkov]
    changes: dict[str, list[Change]] = {name: list(judged.judgements[name].changes) for name in stacks}
    changes.update(judged.removed)
    flat = [change for stack_changes in changes.values() for change in stack_changes]
    context = _change_context(estate, judged, policies)
    raw = [*checkov, *ours, *policies.change_safety.results(flat, context)]
    results = policies.suppressions.apply(raw)
    removed = sorted(judged.removed)
    return Review(
        estate=estate.organization.name,
        stacks=stacks,
        results=results,
        policy_issues=policies.issues,
        changes=changes,
        sensitive=[change for change in flat if policies.change_safety.is_sensitive(change)],
        compliance=evaluate(policies.baseline, results, stacks),
        unused_suppressions=policies.suppressions.unused(raw),
        checkov_version=judged.checkov_version,
        config_files=config_files(estate, [*stacks, *removed]),
        removed_stacks=removed,
        access=access_report(estate, judged.role_views),
        prior_state=judged.prior_state,
        timings=dict(judged.timings),
        reused_plans=sorted(judged.reused_plans),
        reused_checkov=sorted(judged.reused_checkov),
        unchanged=[name for name in stacks if name in set(judged.unchanged)],
        changed=judged.changed,
    )


def _position(order: Sequence[str], name: str) -> tuple[int, str]:
    return (order.index(name) if name in order else len(order), name)


def _ordered_results(
    checks: Sequence[Check], order: Sequence[str], per_stack: list[Result], roles: list[Result]
) -> list[Result]:
    """Our results in check order, each check's in stack order: as one run over every stack."""
    rank = {check.id: index for index, check in enumerate(checks)}

    def key(item: tuple[int, Result]) -> tuple[int, tuple[int, str], int]:
        number, result = item
        return rank.get(result.check_id, len(rank)), _position(order, result.stack), number

    return [result for _, result in sorted(enumerate([*per_stack, *roles]), key=key)]


def _change_context(estate: Estate, judged: Judged, policies: Policies) -> ChangeContext:
    """prevent_destroy as the head marks it, and as the base did for what the head removed."""
    marked = {name: set(judgement.protected) for name, judgement in judged.judgements.items()}
    for stack, addresses in judged.base_protected.items():
        marked.setdefault(stack, set()).update(addresses)
    stages = set(policies.change_safety.rules.production_stages)
    production = frozenset(name for name, env in estate.environments.items() if env.stage in stages)
    return ChangeContext({name: frozenset(found) for name, found in marked.items()}, production)


def config_files(estate: Estate, stacks: list[str]) -> dict[str, str]:
    """The YAML file a finding in each stack is fixed in (environment stacks: their own file)."""
    organization = estate.sources.get("organization")
    fallback = organization.name if organization else "environments/organization.yaml"
    return {
        stack: display_path(estate.sources[stack].path)
        if stack in estate.sources
        else (fallback if stack in ROLE_STACKS else f"{stack}.yaml (removed)")
        for stack in stacks
    }


def read_json(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data
