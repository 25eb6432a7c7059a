"""The PR comment: verdict and summary table first, details folded, always under GitHub's limit.

GitHub rejects comments over 65,536 characters. Sections are rendered with a row cap that shrinks
until the comment fits; cut rows are counted and point to report.json, and every `<details>` is
closed, so the comment is valid Markdown whatever the size of the estate.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence

from modules.review.change_safety import Change
from modules.review.reports.access import access_markdown
from modules.review.verdict import Review

MAX_CHARS = 60_000  # margin under GitHub's 65,536 for the workflow's own header
DESTRUCTIVE_CHARS = 40_000  # resource names in "What this change does"; beyond, counts per type
ORIGINS_SHOWN = 5  # distinct YAML keys per row of "What this change does"; report.json has all
ROW_CAPS: tuple[int | None, ...] = (None, 200, 50, 15, 5, 0)
ICONS = {
    "pass": "✅",
    "passed": "✅",
    "fail": "❌",
    "failed": "❌",
    "suppressed": "🔕",
    "not evaluated": "➖",
    "no check": "⚠️",
}


def cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ").replace("<", "&lt;").strip() or " "


def table(header: Sequence[str], rows: Iterable[Sequence[object]], cap: int | None) -> str:
    rows = list(rows)
    shown = rows if cap is None else rows[:cap]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(value) for value in row) + " |" for row in shown]
    if len(shown) < len(rows):
        lines.append(f"\n… {len(rows) - len(shown)} more row(s) in report.json")
    return "\n".join(lines) if shown else f"_{len(rows)} row(s), listed in report.json_"


def details(summary: str, body: str, *, open_: bool = False) -> str:
    return f"<details{' open' if open_ else ''}>\n<summary>{summary}</summary>\n\n{body}\n\n</details>"


def _summary(review: Review) -> str:
    verdict = "✅ **Review passed**" if review.ok else "❌ **Review failed**"
    header = [
        "Stack",
        "Config",
        "create",
        "import",
        "update",
        "replace",
        "destroy",
        "passed",
        "failed",
        "suppressed",
    ]
    rows = []
    statuses = review.status_counts()
    for stack in review.stacks:
        changes, status = review.change_counts(stack), statuses[stack]
        label = f"`{stack}` (unchanged: cached results)" if stack in review.unchanged else f"`{stack}`"
        rows.append(
            [
                label,
                review.config_files.get(stack, ""),
                changes["create"],
                changes["import"],
                changes["update"],
                changes["replace"],
                changes["destroy"],
                status["passed"],
                status["failed"],
                status["suppressed"],
            ]
        )
    facts = (
        f"{len(review.failed)} failed · {len(review.suppressed)} suppressed · {len(review.passed)} passed · "
        f"{len(review.policy_issues)} policy issue(s) · checkov {review.checkov_version} · "
        f"{len(review.uncovered)} requirement(s) without a check"
    )
    if review.reused_plans:
        facts += f" · {len(review.reused_plans)} plan(s) reused from the cache (inputs unchanged)"
    prior = f"\n\n**Prior state:** {review.prior_state}" if review.prior_state else ""
    if review.changed is not None:
        changed = ", ".join(f"`{name}`" for name in review.changed) or "none"
        prior += (
            f"\n\n**Changed since the base:** {changed}; {len(review.unchanged)} unchanged stack(s) "
            "were not planned again: their results are those of the last review of the same inputs"
        )
    if review.reused_checkov:
        facts += f" · checkov results of {len(review.reused_checkov)} unchanged plan(s) reused"
    for stack in review.removed_stacks:
        orphans = review.change_counts(stack)["orphan"]
        rows.append(
            [f"`{stack}`", review.config_files.get(stack, ""), "", "", "", f"{orphans} orphaned", "", "", ""]
        )
    head = f"## Landing zone review `{review.estate}`: {verdict}\n\n{facts}{prior}"
    return f"{head}\n\n{table(header, rows, None)}"


def _destructive(review: Review, cap: int | None) -> str:
    """What this change does that cannot be undone, before anything else: one row per stack and
    action (replaces first) naming every resource, and per removed stack how many resources its
    state would leave orphaned. Never cut by the row cap; rows whose names no longer fit a comment
    count their resource types instead (report.json lists every address)."""
    order = {"replace": 0, "destroy": 1}
    stacks = {stack: index for index, stack in enumerate(review.stacks)}
    groups: dict[tuple[int, int, str], list[Change]] = {}
    for change in review.destructive:
        if change.action in order:
            key = (order[change.action], stacks.get(change.stack, len(stacks)), change.stack)
            groups.setdefault(key, []).append(change)
    budget, rows = DESTRUCTIVE_CHARS, []
    for (_, _, stack), changes in sorted(groups.items()):
        names = sum(len(change.address) + 4 for change in changes)
        by_name = names <= budget  # replaces first: they keep their names the longest
        budget -= names if by_name else 0
        rows.append(
            [
                changes[0].action,
                f"`{stack}`",
                _resources(changes, by_name=by_name),
                ", ".join(sorted({f"`{path}`" for change in changes for path in change.replace_paths}))
                or "—",
                _origins(changes) or review.config_files.get(stack, ""),
            ]
        )
    for stack in review.removed_stacks:
        orphans = review.change_counts(stack)["orphan"]
        rows.append(["orphan", f"`{stack}`", f"all {orphans} resource(s) in its state", "—", "(removed)"])
    if not rows:
        return "### What this change does\n\nNothing is destroyed or replaced."
    total = len(review.destructive)
    body = table(["Action", "Stack", "Resources", "Forces replacement", "Config"], rows, None)
    return f"### What this change does: {total} resource(s) destroyed, replaced or orphaned\n\n{body}"


def _origins(changes: list[Change]) -> str:
    """The YAML keys that caused these changes, where provenance found them; a reviewer edits
    those lines, not the stack's file as a whole."""
    origins = sorted({change.origin for change in changes if change.origin})
    hidden = len(origins) - ORIGINS_SHOWN
    return ", ".join(origins[:ORIGINS_SHOWN]) + (f" (+{hidden} more in report.json)" if hidden > 0 else "")


def _resources(changes: list[Change], *, by_name: bool) -> str:
    if by_name:
        return ", ".join(f"`{change.address}`" for change in changes)
    types = Counter(change.type for change in changes)
    return f"{len(changes)}: " + ", ".join(f"{kind} ×{count}" for kind, count in sorted(types.items()))


def _failed(review: Review, cap: int | None) -> str:
    rows = [
        [f"`{r.check_id}`", r.severity, f"`{r.stack}`", f"`{r.address}`", r.title, r.message]
        for r in review.failed
    ]
    body = table(["Check", "Severity", "Stack", "Resource", "Title", "Detail"], rows, cap)
    return details(f"❌ Failed checks ({len(rows)})", body, open_=True)


def _policy(review: Review, cap: int | None) -> str:
    rows = [[f"{i.file}:{i.line}:{i.column}", i.field, i.message] for i in review.policy_issues]
    return details(
        f"❌ Policy file issues ({len(rows)})", table(["Where", "Field", "Problem"], rows, cap), open_=True
    )


def _suppressed(review: Review, cap: int | None) -> str:
    rows = [
        [f"`{r.check_id}`", f"`{r.key}`", r.waiver.reason, r.waiver.owner, r.waiver.expires, r.waiver.origin]
        for r in review.suppressed
        if r.waiver
    ]
    unused = "".join(f"\n- unused entry (remove it?): `{entry}`" for entry in review.unused_suppressions)
    body = table(["Check", "Resource", "Reason", "Owner", "Expires", "Entry"], rows, cap) + unused
    return details(f"🔕 Suppressed ({len(rows)})", body)


def _changes(review: Review, cap: int | None) -> str:
    rows = [[c.action, f"`{c.stack}`", f"`{c.address}`"] for c in review.sensitive]
    body = table(["Action", "Stack", "Resource"], rows, cap)
    return details(f"🔐 Security-sensitive changes ({len(rows)})", body)


def _compliance(review: Review, cap: int | None) -> str:
    header = ["Requirement", "Status", "Checks", "Verdict", *(f"`{s}`" for s in review.stacks)]
    rows = [
        [
            f"**{row.requirement.id}** {row.requirement.title}",
            row.requirement.status,
            ", ".join(row.requirement.checks) or "—",
            f"{ICONS[row.verdict]} {row.verdict}",
            *(ICONS[row.per_stack[stack]] for stack in review.stacks),
        ]
        for row in review.compliance
    ]
    legend = "✅ pass · ❌ fail · 🔕 suppressed · ➖ nothing to evaluate in this stack yet · ⚠️ no check"
    return details(f"📋 Compliance map ({len(rows)} requirements)", f"{legend}\n\n{table(header, rows, cap)}")


def _passed(review: Review, cap: int | None) -> str:
    by_check: Counter[tuple[str, str]] = Counter((r.check_id, r.title) for r in review.passed)
    rows = [[f"`{check_id}`", title, count] for (check_id, title), count in sorted(by_check.items())]
    return details(
        f"✅ Passed ({len(review.passed)} results)", table(["Check", "Title", "Resources"], rows, cap)
    )


Section = Callable[[Review, int | None], str]


def _sections(review: Review) -> list[Section]:
    sections: list[Section] = [_destructive]
    if review.failed:
        sections.append(_failed)
    if review.policy_issues:
        sections.append(_policy)
    return [*sections, _suppressed, _changes, _compliance, _access, _passed]


def _access(review: Review, cap: int | None) -> str:
    return access_markdown(review.access, tables=cap is None)


def render_markdown(review: Review, max_chars: int = MAX_CHARS) -> str:
    head = _summary(review)
    footer = "\n\n<sub>Generated by `lz review`; full results in report.json, SARIF and JUnit XML.</sub>\n"
    for cap in ROW_CAPS:
        text = "\n\n".join([head, *(section(review, cap) for section in _sections(review))]) + footer
        if len(text) <= max_chars:
            return text
    # Even with no rows the estate is too large (thousands of stacks): keep the verdict line.
    first_line = head.splitlines()[0]
    return f"{first_line}\n\nThe report is too large for a comment; see report.json.{footer}"[:max_chars]
