"""JUnit XML for CI test reports: one test case per audited method; its failure lists the unset exits.

Suppressed methods are skipped (with the reason), files that could not be parsed are errors.
"""

from __future__ import annotations

import io

from nbadq.audits.findings import KIND_PHRASE, RULE_ID, AuditReport


def render(report: AuditReport) -> str:
    # junitparser pulls in xml.etree and importlib.metadata: imported only when a JUnit file is asked for.
    from junitparser import Attr, Error, Failure, IntAttr, JUnitXml, Skipped, TestCase, TestSuite

    class LocatedCase(TestCase):
        """`file` and `line` attributes let CI systems link a test case to the source."""

        file = Attr()
        line = IntAttr()

    suite = TestSuite("nbadq audit")
    for m in report.methods:
        case = LocatedCase(f"{m.class_name}.{m.method}[{m.key}]", _module(m.path))
        case.file, case.line = m.path, m.line
        if m.suppressed:
            case.result = [Skipped(f"suppressed: {m.suppression.reason or '(no reason given)'}")]
        elif m.unset:
            lines = [f"{m.path}:{e.line}:{e.column}: {KIND_PHRASE[e.kind]}" + (f" ({e.situation})" if e.situation
                                                                                 else "") for e in m.unset]
            failure = Failure(f'{len(m.unset)} exit(s) leave self.stats["{m.key}"] unset ({m.verdict})', RULE_ID)
            failure.text = "\n".join(lines)
            case.result = [failure]
        suite.add_testcase(case)
    for e in report.errors:
        case = LocatedCase(e.path, "nbadq.audit.parse")
        case.file, case.line = e.path, e.line
        case.result = [Error(e.why_not_audited, "OSError" if e.unreadable else "SyntaxError")]
        suite.add_testcase(case)
    xml = JUnitXml("nbadq audit")
    xml.add_testsuite(suite)
    xml.update_statistics()
    buffer = io.BytesIO()
    xml.write(buffer, pretty=True)
    return buffer.getvalue().decode("utf-8")


def _module(path: str) -> str:
    return path.removesuffix(".py").replace("/", ".").lstrip(".")
