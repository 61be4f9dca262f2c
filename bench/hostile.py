"""Count the hostile cases of issue 8 (tests/hostile/) and their outcomes, and write bench/RESULTS-hostile.md.

Each case is one pytest test that tries nbadq the way a careless user or a flaky environment would, and asserts
the exit code, a one-line error and an unchanged tree. This script runs them (JUnit XML from pytest itself), counts
passed / failed / skipped per area file, and records how long the whole set took.
Run: .venv/bin/python bench/hostile.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "RESULTS-hostile.md"


def run_cases(junit: Path) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "2",
                    f"--junitxml={junit}", "tests/hostile"], cwd=ROOT, check=False)
    return time.perf_counter() - started


def outcome(case: ET.Element) -> str:
    for tag, name in (("failure", "failed"), ("error", "error"), ("skipped", "skipped")):
        if case.find(tag) is not None:
            return name
    return "passed"


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        junit = Path(tmp) / "hostile.xml"
        seconds = run_cases(junit)
        cases = ET.parse(junit).getroot().iter("testcase")
        by_area: dict[str, Counter] = defaultdict(Counter)
        for case in cases:
            area = case.get("classname", "?").split(".")[-1].removeprefix("test_")
            by_area[area][outcome(case)] += 1
    total = sum(by_area.values(), Counter())
    lines = ["# Hostile cases (issue 8)", "",
             f"`.venv/bin/python bench/hostile.py`: {sum(total.values())} cases in {seconds:.1f} s "
             f"(pytest -n 2), {total['passed']} passed, {total['failed'] + total['error']} failed, "
             f"{total['skipped']} skipped.", "",
             "| area (tests/hostile/test_AREA.py) | cases | passed | failed | skipped |", "|---|---|---|---|---|"]
    for area in sorted(by_area):
        c = by_area[area]
        lines.append(f"| {area} | {sum(c.values())} | {c['passed']} | {c['failed'] + c['error']} | {c['skipped']} |")
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0 if total["failed"] + total["error"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
