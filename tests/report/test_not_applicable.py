"""A rule that does not apply (raw.freshness with the clock past a historical warehouse's data) is neither a pass
nor a failure in any output: the JSON says `not_applicable` with the reason, stdout an N/A line, the HTML report an
N/A pill with the reason, JUnit a skipped case giving the reason, the Markdown summary an n/a row with the reason."""

from __future__ import annotations

from junitparser import JUnitXml, Skipped

from nbadq.cli.validate import summary_lines
from nbadq.report.documents import check_validate_doc
from nbadq.report.html import render_report
from nbadq.report.junit import write_junit

from .report_docs import expectation, layer, validate_doc as make_doc

WHY = "historical warehouse: the clock (2026-11-30 12:00 UTC) is past its last scheduled game (2025-06-16)"


def _doc() -> dict:
    fresh = expectation("raw.freshness", severity="warn", threshold="schedule scrape <= 24 h old (warn)")
    doc = make_doc({"raw": layer(expectation("raw.gamebook_completeness"), {**fresh, "not_applicable": WHY})},
                   {2024: None})
    doc["as_of"] = "2026-11-30T12:00:00+00:00"
    return doc


def test_the_schema_takes_the_clock_and_the_reason():
    check_validate_doc(_doc())


def test_stdout_has_an_na_line_and_the_run_passes():
    lines = summary_lines(_doc())
    assert f"  N/A  raw.freshness                     {WHY}" in lines
    assert lines[-1] == "result: all rules pass"


def test_html_shows_na_with_the_reason():
    html = render_report(_doc())
    row = html[html.index('data-rule="raw.freshness"'):]
    row = row[:row.index("</tr>")]
    assert '<span class="pill na">N/A</span>' in row and f"not applicable: {WHY}" in row


def test_junit_skips_it_with_the_reason(tmp_path):
    out = write_junit(_doc(), tmp_path / "j.xml")
    (case,) = [c for suite in JUnitXml.fromfile(str(out)) for c in suite if c.name == "raw.freshness"]
    (skipped,) = case.result
    assert isinstance(skipped, Skipped) and skipped.message == f"N/A raw.freshness: {WHY}"


def test_markdown_summary_says_na_with_the_reason():
    from nbadq.report.summary_md import summary_markdown

    text = summary_markdown(_doc())
    row = next(line for line in text.splitlines() if line.startswith("| `raw.freshness`"))
    assert row.split(" | ")[1:3] == ["➖ n/a", WHY]
