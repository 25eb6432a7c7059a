"""JUnit XML: one suite per stack, one case per check result; CI systems show them as tests."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from modules.review.model import Result
from modules.review.verdict import Review


def _case(suite: ET.Element, result: Result) -> None:
    case = ET.SubElement(
        suite,
        "testcase",
        name=f"{result.check_id} {result.address}",
        classname=f"{result.stack}.{result.source}",
    )
    if result.status == "failed":
        failure = ET.SubElement(case, "failure", message=result.message or result.title, type=result.check_id)
        failure.text = f"{result.title}\n{result.message}"
    elif result.status == "suppressed" and result.waiver:
        waiver = result.waiver
        ET.SubElement(
            case, "skipped", message=f"suppressed until {waiver.expires} ({waiver.owner}): {waiver.reason}"
        )


def _suite(root: ET.Element, name: str, results: list[Result]) -> ET.Element:
    return ET.SubElement(
        root,
        "testsuite",
        name=name,
        tests=str(len(results)),
        failures=str(sum(r.status == "failed" for r in results)),
        skipped=str(sum(r.status == "suppressed" for r in results)),
        errors="0",
    )


def render_junit(review: Review) -> str:
    root = ET.Element("testsuites", name=f"lz review {review.estate}")
    for stack in review.stacks:
        results = [result for result in review.results if result.stack == stack]
        suite = _suite(root, stack, results)
        for result in results:
            _case(suite, result)
    policy = ET.SubElement(
        root,
        "testsuite",
        name="policies",
        tests=str(max(1, len(review.policy_issues))),
        failures=str(len(review.policy_issues)),
        skipped="0",
        errors="0",
    )
    if not review.policy_issues:
        ET.SubElement(policy, "testcase", name="policy files are valid", classname="policies")
    for issue in review.policy_issues:
        case = ET.SubElement(
            policy, "testcase", name=f"{issue.file}:{issue.line} {issue.field}", classname="policies"
        )
        ET.SubElement(case, "failure", message=issue.message).text = str(issue)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
