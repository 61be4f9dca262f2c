"""The README's rules table is checked against the suites: the same rule ids, each with the severity and
refill layer its suite gives it. Adding a rule without documenting it (or the reverse) fails here."""

from __future__ import annotations

import os
import re
from pathlib import Path

from nbadq.rules.project import load_project

README = Path(__file__).resolve().parents[2] / "README.md"
ROW = re.compile(r"^\| `(?P<rule>[a-z]+\.[a-z0-9_]+)` \|(?P<cells>.*)\|\s*$")


def _table() -> dict[str, list[str]]:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("### The rules"):]
    section = section[: section.index("\n### ", 5)]
    rows = {}
    for line in section.splitlines():
        match = ROW.match(line)
        if match:
            rows[match["rule"]] = [c.strip() for c in match["cells"].split("|")]
    return rows


def _suites() -> dict[str, tuple[str, str | None]]:
    project = load_project(Path(os.environ["NBADQ_PROJECT_ROOT"]))
    return {e.rule: (e.severity, e.remediation) for e in project.rules()}


def test_readme_lists_exactly_the_suites_rules():
    assert sorted(_table()) == sorted(_suites())


def test_readme_severity_and_refill_layer_match_the_suites():
    header = next(line for line in README.read_text().splitlines() if line.startswith("| rule |"))
    columns = [c.strip() for c in header.strip("|").split("|")][1:]
    table = _table()
    for rule, (severity, remediation) in _suites().items():
        cells = dict(zip(columns, table[rule]))
        assert cells["severity"] == severity, rule
        refill = cells["refilled by"]
        assert (refill == remediation) if remediation else not refill or refill.startswith("("), (rule, refill)
