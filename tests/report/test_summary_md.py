"""The Markdown step summary: exact headline, context line and table rows."""

from __future__ import annotations

from nbadq.report.summary_md import summary_markdown, write_summary

from .report_docs import D, expectation, layer, validate_doc as make_doc


def test_summary_lines(tmp_path, validate_doc):
    lines = write_summary(validate_doc, tmp_path / "summary.md").read_text().splitlines()
    assert lines[0] == "## ❌ nbadq nightly: 5 of 6 layers failing"
    assert lines[2] == ("Warehouse `local:/srv/nbadq/warehouse` · window 2023-10-24 → 2025-01-14 · "
                        "validated 2025-01-15T07:02:41+00:00 · "
                        "latest game date Tue 2025-01-14: failing in precompute, predictions")
    start = lines.index("### ❌ analytics: 2 of 4 rules failing, 3 dates")
    assert lines[start:start + 7] == [
        "### ❌ analytics: 2 of 4 rules failing, 3 dates",
        "",
        "| rule | status | observed | threshold | first failing dates |",
        "| --- | --- | --- | --- | --- |",
        "| `analytics.minutes_null_rate [unexpected_rows_expectation]` | ❌ fail | 1 | <= 5% per date | 2023-12-08 |",
        "| `analytics.duplicate_keys` | ❌ fail | 2 | — | 2023-11-29, 2024-01-09 |",
        "| `analytics.completeness` | ✅ pass | 0 | — |  |",
    ]
    assert "### ✅ raw: 1 rule passing" in lines
    assert ("| `predictions.completeness` | ❌ fail | 22 | — | "
            "2024-04-20, 2024-04-21, 2024-04-22, 2024-04-23, 2024-04-24 (+17 more) |") in lines
    assert sum(line.startswith("| `") for line in lines) == 14


def test_passing_summary_and_pipes_in_cells():
    doc = make_doc({"raw": layer(expectation("raw.gamebook_completeness", threshold="34|38 rows"))},
                   {2024: D("2024-11-30")})
    lines = summary_markdown(doc).splitlines()
    assert lines[0] == "## ✅ nbadq nightly: all 1 layer passing"
    assert lines[-1] == "| `raw.gamebook_completeness` | ✅ pass | 0 | 34\\|38 rows |  |"
