"""Severity means something: a failing `warn` rule is reported everywhere (stdout, JSON, JUnit as a skipped case,
Markdown, the HTML report) and leaves the exit code alone; a failing `error` rule still fails the run.

A private project copy marks analytics.duplicate_keys `warn`; the mini warehouse gets one duplicated
player_game_summary key on 2024-11-10 (and, in the second case, loses 2024-11-06, an error-rule failure).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from junitparser import Failure, JUnitXml, Skipped

from nbadq.report.documents import check_validate_doc
from nbadq.rules.project import load_project
from tests.hostile.harness import run_nbadq
from tests.rules.project_copy import edit_meta, project_copy

PGS = "nba_analytics.player_game_summary"
WARNED = "analytics.duplicate_keys"
OUTPUTS = ("v.json", "j.xml", "s.md", "r.html")


@pytest.fixture
def warn_project(tmp_path) -> Path:
    project = project_copy(tmp_path)
    edit_meta(project, "analytics", WARNED, lambda meta: meta.update(severity="warn"))
    return project


def _duplicate_a_key(house) -> None:
    cols = [r[1] for r in house.conn.execute("PRAGMA nba_analytics.table_info(player_game_summary)")]
    house.sql(f"INSERT INTO {PGS} ({', '.join(cols)}) SELECT {', '.join(cols)} FROM {PGS} "
              "WHERE game_date = '2024-11-10' AND player_lookup = 'phxplayer1'")


def _validate(house, project: Path, out: Path):
    house.conn.commit()
    out.mkdir()
    return run_nbadq(["validate", "--warehouse", house.root, "--checkpoint", "analytics", "--json", out / "v.json",
                      "--junit", out / "j.xml", "--summary-md", out / "s.md", "--report", out / "r.html"],
                     env={"NBADQ_PROJECT_ROOT": str(project)}, cwd=out.parent)


def _cases(path: Path) -> dict[str, list]:
    return {case.name: list(case.result) for suite in JUnitXml.fromfile(str(path)) for case in suite}


def _calendar_cell(html: str, day: str, layer: str) -> tuple[str, str]:
    found = re.search(rf'<td class="([\w-]+)" data-date="{day}" title="([^"]*) · {layer}\n', html)
    assert found, (day, layer)
    return found.group(1), found.group(2)


def test_a_failing_warn_rule_is_reported_everywhere_and_exits_0(house, warn_project, tmp_path):
    _duplicate_a_key(house)
    out = tmp_path / "out"
    result = _validate(house, warn_project, out)

    assert (result.code, result.stderr) == (0, "")
    assert result.stdout.splitlines()[0] == f"report: {out / 'r.html'}"
    assert result.stdout.splitlines()[2:] == [
        "  analytics    PASS (1 warning)  0 failing date(s)",
        f"  WARN {WARNED:<33}    1  2024-11-10",
        "result: all rules pass (1 warning)",
    ]
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUTS)

    doc = json.loads((out / "v.json").read_text())
    check_validate_doc(doc)  # the published schema holds a document with warnings
    layer = doc["layers"]["analytics"]
    entry = next(e for e in layer["expectations"] if e["rule"] == WARNED)
    assert (doc["success"], layer["success"], layer["failing_dates"], layer["warning_dates"]) == (
        True, True, [], ["2024-11-10"])
    assert (entry["severity"], entry["success"], entry["failing_dates"]) == ("warn", False, ["2024-11-10"])
    # Every other expectation keeps its suite's severity (analytics.team_grain has a warn expectation of its own).
    assert [e["severity"] for e in layer["expectations"] if e["rule"] != WARNED] == \
        [e.severity for e in load_project(Path(os.environ["NBADQ_PROJECT_ROOT"])).rules(("analytics",))
         if e.rule != WARNED]

    cases = _cases(out / "j.xml")
    [skipped] = cases[WARNED]
    assert isinstance(skipped, Skipped)
    assert skipped.message == f"WARN {WARNED}: 1 failing date: 2024-11-10"
    assert skipped.text.splitlines()[-1].startswith("2024-11-10  1 duplicated keys")
    assert not any(isinstance(r, Failure) for results in cases.values() for r in results)

    summary = (out / "s.md").read_text().splitlines()
    assert summary[0] == "## ✅ nbadq analytics: all 1 layer passing (1 warning)"
    start = summary.index("### ⚠️ Warnings (1): reported, not failing the run")
    assert summary[start + 2] == f"- `{WARNED}` (analytics): 1 date: 2024-11-10"
    # The summary counts expectations (analytics.minutes_null_rate and analytics.team_grain have two each).
    assert f"### ✅ analytics: passing, 1 of {len(layer['expectations'])} rules warning" in summary
    assert f"| `{WARNED}` | ⚠️ warn | 1 | 0 duplicated keys | 2024-11-10 |" in summary

    html = (out / "r.html").read_text()
    assert '<div class="verdict">PASS</div>' in html
    row = re.search(rf'<tr id="rule-analytics-\d" class="(\w+)" data-rule="{WARNED}" data-severity="warn">\s*'
                    r'<td><span class="pill (\w+)">(\w+)</span>', html)
    assert row and row.groups() == ("warn", "warn", "WARN")
    status, _ = _calendar_cell(html, "2024-11-10", "analytics")
    assert status == "warning"
    assert _calendar_cell(html, "2024-11-06", "analytics")[0] == "passing"


def test_an_error_rule_still_fails_the_run_beside_a_warning(house, warn_project, tmp_path):
    _duplicate_a_key(house)
    house.sql(f"DELETE FROM {PGS} WHERE game_date = '2024-11-06'")
    out = tmp_path / "out"
    result = _validate(house, warn_project, out)

    assert (result.code, result.stderr) == (1, "")
    assert result.stdout.splitlines()[2:] == [
        "  analytics    FAIL (1 warning)  1 failing date(s)",
        f"      {'analytics.completeness':<34}    1  2024-11-06",
        f"  WARN {WARNED:<33}    1  2024-11-10",
        "result: rules failed (1 warning)",
    ]
    doc = json.loads((out / "v.json").read_text())
    layer = doc["layers"]["analytics"]
    assert (doc["success"], layer["success"], layer["failing_dates"], layer["warning_dates"]) == (
        False, False, ["2024-11-06"], ["2024-11-10"])
    cases = _cases(out / "j.xml")
    assert [type(r) for r in cases["analytics.completeness"]] == [Failure]
    assert [type(r) for r in cases[WARNED]] == [Skipped]
    html = (out / "r.html").read_text()
    assert [_calendar_cell(html, d, "analytics")[0] for d in ("2024-11-06", "2024-11-10")] == ["failing", "warning"]


def test_fill_plans_only_error_rule_dates(house, tmp_path):
    """A warn rule that names a refill layer is reported but not refilled: fill plans from error rules only."""
    from nbadq.backfill.plan import failing_by_remediation

    project = project_copy(tmp_path)
    edit_meta(project, "analytics", "analytics.completeness", lambda meta: meta.update(severity="warn"))
    house.sql(f"DELETE FROM {PGS} WHERE game_date = '2024-11-06'")
    out = tmp_path / "out"
    result = _validate(house, project, out)
    doc = json.loads((out / "v.json").read_text())
    completeness = next(e for e in doc["layers"]["analytics"]["expectations"] if e["rule"] == "analytics.completeness")
    assert (result.code, completeness["failing_dates"]) == (0, ["2024-11-06"])
    assert doc["layers"]["analytics"]["warning_dates"] == ["2024-11-06"]
    assert failing_by_remediation(doc) == {}
