"""What the review reasons about: one stack's synthesized config and plan, and check results.

Every source of verdicts (checkov, our own checks, change safety) produces `Result`s, so
suppressions, the compliance map and every report format treat them alike.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

Source = Literal["checkov", "lz", "change-safety"]
Status = Literal["passed", "failed", "suppressed"]
SEVERITIES = ("CRITICAL", "HIGH", "MEDIUM", "LOW", "INFO")


@dataclass(frozen=True)
class Waiver:
    """Why a failed result does not fail the review: a suppression or allow-list entry."""

    reason: str
    owner: str
    expires: str
    origin: str  # e.g. policies/suppressions.yaml:12


@dataclass(frozen=True)
class Result:
    """One check evaluated on one resource (or provider, data source, stack) of one stack."""

    source: Source
    check_id: str
    title: str
    stack: str
    address: str
    passed: bool
    message: str = ""
    severity: str = "HIGH"
    guideline: str = ""
    waiver: Waiver | None = None

    @property
    def status(self) -> Status:
        if self.passed:
            return "passed"
        return "suppressed" if self.waiver else "failed"

    @property
    def key(self) -> str:
        return f"{self.stack}:{self.address}"

    def waived(self, waiver: Waiver) -> Result:
        return dataclasses.replace(self, waiver=waiver)


@dataclass(frozen=True)
class PlannedResource:
    """A resource (or data source) as `planned_values` shows it, with what is unknown until apply."""

    address: str
    type: str
    name: str
    mode: str
    provider: str
    values: dict[str, Any]
    unknown: dict[str, Any] = field(default_factory=dict)

    def is_unknown(self, attribute: str) -> bool:
        return bool(self.unknown.get(attribute))


@dataclass(frozen=True)
class StackView:
    """One stack as the checks see it: the synthesized `cdk.tf.json` (real provider settings,
    assume-role, data sources) and the offline plan (`terraform show -json`)."""

    name: str
    synthesized: dict[str, Any]
    plan: dict[str, Any]

    def planned(self, resource_type: str | None = None) -> list[PlannedResource]:
        """Managed resources in `planned_values`, child modules included."""
        unknown = {
            change["address"]: (change.get("change") or {}).get("after_unknown") or {}
            for change in self.plan.get("resource_changes", [])
        }
        found = []
        for raw in module_resources(self.plan.get("planned_values", {}).get("root_module", {})):
            if raw.get("mode") != "managed" or resource_type not in (None, raw["type"]):
                continue
            found.append(
                PlannedResource(
                    address=raw["address"],
                    type=raw["type"],
                    name=raw["name"],
                    mode=raw["mode"],
                    provider=raw.get("provider_name", ""),
                    values=raw.get("values") or {},
                    unknown=unknown.get(raw["address"], {}),
                )
            )
        return found

    def configured(self, block: str, block_type: str | None = None) -> Iterator[tuple[str, dict[str, Any]]]:
        """(address, body) of synthesized `resource` or `data` blocks, e.g. `data.aws_region.here`."""
        prefix = "data." if block == "data" else ""
        for kind, named in sorted(self.synthesized.get(block, {}).items()):
            if block_type not in (None, kind):
                continue
            for name, body in sorted(named.items()):
                yield f"{prefix}{kind}.{name}", body

    def references(self, address: str, attribute: str) -> list[str]:
        """Addresses a resource's attribute refers to, from the plan's `configuration` section
        (values such as bucket ids are unknown at plan time; the reference is what links them)."""
        for raw in module_resources(self.plan.get("configuration", {}).get("root_module", {})):
            if raw.get("address") == address:
                expression = (raw.get("expressions") or {}).get(attribute) or {}
                return [ref for ref in expression.get("references", []) if ref.count(".") == 1]
        return []

    @property
    def providers(self) -> list[dict[str, Any]]:
        """The synthesized AWS provider blocks (real settings, not the offline copy)."""
        providers: list[dict[str, Any]] = self.synthesized.get("provider", {}).get("aws", [])
        return providers

    @property
    def resource_changes(self) -> list[dict[str, Any]]:
        changes: list[dict[str, Any]] = self.plan.get("resource_changes", [])
        return changes


def module_resources(module: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield from module.get("resources", [])
    for child in module.get("child_modules", []):
        yield from module_resources(child)
    for call in (module.get("module_calls") or {}).values():
        yield from module_resources(call.get("module", {}))
