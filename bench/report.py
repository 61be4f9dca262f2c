"""Benchmark the reports: render time and size of the HTML, JUnit and Markdown for 2 and 5 seasons.

Uses the realistic documents the tests build (tests/report/report_docs.py). Prints a Markdown table.
Run: .venv/bin/python bench/report.py
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nbadq.report import write_report  # noqa: E402
from nbadq.report.junit import write_junit  # noqa: E402
from nbadq.report.summary_md import write_summary  # noqa: E402
from tests.report.report_docs import five_season_doc, realistic_fill_doc, realistic_validate_doc  # noqa: E402

RUNS = 7


def timed(action) -> tuple[float, Path]:
    times, path = [], None
    for _ in range(RUNS):
        started = time.perf_counter()
        path = action()
        times.append(time.perf_counter() - started)
    return statistics.median(times), path


def main() -> None:
    two = realistic_validate_doc()
    cases = {"2 seasons + fill": (two, realistic_fill_doc(two)), "5 seasons": (five_season_doc(), None)}
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        for label, (doc, fill) in cases.items():
            days = len(doc["calendar"]["game_dates"])
            seconds, html = timed(lambda doc=doc, fill=fill: write_report(doc, fill, out / "report.html"))
            cells = html.read_text().count("data-date=")
            rows.append((label, "HTML report", days, cells, seconds, html.stat().st_size))
            seconds, xml = timed(lambda doc=doc: write_junit(doc, out / "junit.xml"))
            rows.append((label, "JUnit XML", days, None, seconds, xml.stat().st_size))
            seconds, md = timed(lambda doc=doc: write_summary(doc, out / "summary.md"))
            rows.append((label, "Markdown summary", days, None, seconds, md.stat().st_size))
        doc_path = out / "validate.json"
        doc_path.write_text(json.dumps(cases["5 seasons"][0]))
        cli = [sys.executable, "-m", "nbadq.cli.main", "report", "--from-json", str(doc_path),
               "--out", str(out / "cli.html")]
        seconds, _ = timed(lambda: subprocess.run(cli, check=True, capture_output=True) and out / "cli.html")
        rows.append(("5 seasons", "`nbadq report` end to end (process start included)", len(
            cases["5 seasons"][0]["calendar"]["game_dates"]), None, seconds, (out / "cli.html").stat().st_size))
    print(f"Median of {RUNS} runs, {sys.platform}, Python {sys.version.split()[0]}.\n")
    print("| document | output | game dates | calendar cells | seconds | bytes |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for label, what, days, cells, seconds, size in rows:
        print(f"| {label} | {what} | {days:,} | {cells if cells is None else f'{cells:,}'} | {seconds:.3f} "
              f"| {size:,} |".replace("| None |", "| — |"))


if __name__ == "__main__":
    main()
