"""Report writers: Markdown (PR comment), SARIF 2.1.0 (code scanning), JUnit XML (CI test tab), JSON."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from modules.review.reports.json_report import render_json
from modules.review.reports.junit import render_junit
from modules.review.reports.markdown import render_markdown
from modules.review.reports.sarif import render_sarif
from modules.review.verdict import Review

FILES: dict[str, Callable[[Review], str]] = {
    "report.md": render_markdown,
    "report.sarif": render_sarif,
    "junit.xml": render_junit,
    "report.json": render_json,
}


def write_reports(review: Review, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, render in FILES.items():
        path = out / name
        path.write_text(render(review), encoding="utf-8")
        written.append(path)
    return written
