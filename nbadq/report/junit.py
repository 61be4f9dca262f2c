"""JUnit XML for CI systems: one test suite per layer, one test case per rule.

classname = the layer, name = the rule id (plus the expectation type where an id covers several expectations).
A failing case's message names its failing dates (the first few, then a count); its text lists every date with
its reason, so a CI test view shows exactly which dates to refill. A failing warn-severity rule is a *skipped*
case whose message names the rule and its dates: CI shows it without failing the build. A rule that does not
apply (raw.freshness on a historical warehouse) is a skipped case whose message gives the reason.
"""

from __future__ import annotations

import io
from pathlib import Path

from junitparser import Failure, JUnitXml, Skipped, TestCase, TestSuite

from nbadq.report.documents import check_validate_doc
from nbadq.report.formatting import first_dates, plural
from nbadq.files import write_text_atomic
from nbadq.report.results import RuleResult, layer_results

MESSAGE_DATES = 10  # dates named in a failure's one-line message; the text below it has them all


def junit_xml(validate_doc: dict) -> JUnitXml:
    check_validate_doc(validate_doc)
    checkpoint = validate_doc.get("checkpoint") or "checkpoint"
    xml = JUnitXml(name=f"nbadq validate {checkpoint}")
    for layer in layer_results(validate_doc):
        suite = TestSuite(f"nbadq.{checkpoint}.{layer.name}")
        for rule in layer.rules:
            suite.add_testcase(_case(rule))
        suite.update_statistics()
        xml.add_testsuite(suite)
    xml.update_statistics()
    return xml


def junit_text(validate_doc: dict) -> str:
    buffer = io.BytesIO()
    junit_xml(validate_doc).write(buffer, pretty=True)
    return buffer.getvalue().decode("utf-8")


def write_junit(validate_doc: dict, out: Path | str) -> Path:
    """Write the JUnit XML atomically; returns the path. A bad document raises UsageError."""
    return write_text_atomic(out, junit_text(validate_doc))


def _case(rule: RuleResult) -> TestCase:
    case = TestCase(name=rule.name, classname=rule.layer, time=0.0)
    if rule.failing:
        failure = Failure(message=_message(rule), type_=rule.expectation_type or "failure")
        failure.text = _details(rule)
        case.result = [failure]
    elif rule.not_applicable:  # neither a pass nor a failure: skipped, saying why
        case.result = [Skipped(message=f"N/A {rule.rule}: {rule.not_applicable}")]
    elif rule.warning:
        skipped = Skipped(message=f"WARN {rule.rule}: {_message(rule)}")
        skipped.text = _details(rule)
        case.result = [skipped]
    return case


def _message(rule: RuleResult) -> str:
    if not rule.failing_dates:
        threshold = f" (threshold {rule.threshold})" if rule.threshold else ""
        return f"failed over the whole window: observed {rule.observed}{threshold}"
    shown, rest = first_dates(rule.failing_dates, MESSAGE_DATES)
    more = f" and {rest} more" if rest else ""
    return f"{plural(len(rule.failing_dates), 'failing date')}: {', '.join(map(str, shown))}{more}"


def _details(rule: RuleResult) -> str:
    lines = [rule.description] if rule.description else []
    lines.append(f"observed: {rule.observed}" + (f"; threshold: {rule.threshold}" if rule.threshold else ""))
    if rule.remediation:
        lines.append(f"remediation: nbadq fill ({rule.remediation})")
    lines += [f"{day}  {rule.reasons.get(day, '')}".rstrip() for day in rule.failing_dates]
    return "\n".join(lines)
