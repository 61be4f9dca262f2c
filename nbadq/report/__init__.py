"""Reports people look at: the offline HTML report, JUnit XML and a Markdown summary for CI.

The three entry points `nbadq validate` calls, each taking the document `nbadq validate --json` writes:
- write_report(validate_doc, fill_doc | None, out)  -> nbadq.report.html
- nbadq.report.junit.write_junit(validate_doc, out)
- nbadq.report.summary_md.write_summary(validate_doc, out)
Each writes atomically and raises UsageError (exit 2) on a malformed document.
"""

from __future__ import annotations

from pathlib import Path


def write_report(validate_doc: dict, fill_doc: dict | None, out: Path | str) -> Path:
    """Write the self-contained HTML report to `out`; returns the path. Imports Jinja2 only when called."""
    from nbadq.report.html import write_report as _write

    return _write(validate_doc, fill_doc, out)
