"""Issue 8 cases for what people read: observed values in one unit, and `nbadq report` on hostile input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nbadq.schema import table
from nbadq.warehouse.local import insert_rows
from tests.hostile.harness import assert_one_line_error, run_nbadq, tree_hash

PGS = "nba_analytics.player_game_summary"
EXTRA_PLAYED = 240  # with the clean season's 160 played rows: 400, so each NULL is 0.25% of the window


def _platform_files(root: Path) -> dict[str, str]:
    """Hashes of the platform files validate only reads (its own nba_dq.sqlite and SQLite sidecars excluded)."""
    return {path: digest for path, digest in tree_hash(root).items()
            if path.endswith(".sqlite") and not Path(path).name.startswith("nba_dq")}


@pytest.mark.parametrize("nulls, ratio, shown, code", [
    (2, 0.005, "0.5%", 0),   # below the 1% window threshold: passes
    (6, 0.015, "1.5%", 1),   # above it: fails
])
def test_observed_values_not_shown_100x_too_large(house, tmp_path, nulls, ratio, shown, code):
    """The window NULL rate is stored as a ratio in the JSON and printed as a percentage, once, everywhere."""
    rows = [{"player_lookup": f"extra{i}", "game_id": "20241105_NYK_BOS", "game_date": "2024-11-05",
             "season_year": 2024, "team_abbr": "BOS", "opponent_team_abbr": "NYK", "points": 10,
             "minutes_played": None if i < nulls else 20.0, "is_dnp": False, "is_active": True,
             "player_status": "active", "processed_at": "2024-11-05T23:00:00",
             # usage_rate and plus_minus filled (analytics.column_health: not NULL, not one value)
             "usage_rate": 15.0 + i % 10, "plus_minus": i % 7 - 3} for i in range(EXTRA_PLAYED)]
    insert_rows(house.conn, table(PGS), rows)
    house.conn.commit()
    out = tmp_path / "out"
    out.mkdir()
    before = _platform_files(house.root)
    result = run_nbadq(["validate", "--warehouse", house.root, "--checkpoint", "analytics",
                        "--json", out / "v.json", "--summary-md", out / "s.md", "--junit", out / "j.xml"], cwd=tmp_path)
    assert result.code == code, result.stderr
    window = json.loads((out / "v.json").read_text())["layers"]["analytics"]["expectations"][1]
    assert (window["rule"], window["expectation_type"]) == ("analytics.minutes_null_rate",
                                                            "expect_column_values_to_not_be_null")
    assert (window["observed_value"], window["observed_unit"], window["success"]) == (ratio, "ratio", code == 0)
    summary = (out / "s.md").read_text()
    row = next(line for line in summary.splitlines() if "analytics.minutes_null_rate" in line and "<= 1%" in line)
    assert f"| {shown} |" in row and "%" not in row.replace(shown, "").replace("<= 1%", ""), row
    if code:  # the failing side also names the value on stdout and in JUnit
        assert f"observed {shown}" in result.stdout
        assert f"observed {shown}" in (out / "j.xml").read_text()
    assert _platform_files(house.root) == before


# Short ids: pytest puts the test id in PYTEST_CURRENT_TEST, and a 200 kB id would not fit a child's environment.
@pytest.mark.parametrize("deep", ["[" * 100_000 + "]" * 100_000, '{"a":' * 100_000 + "1" + "}" * 100_000],
                         ids=["arrays", "objects"])
def test_report_from_deeply_nested_json(tmp_path, deep):
    src = tmp_path / "deep.json"
    src.write_text(deep)
    before = tree_hash(tmp_path)
    result = run_nbadq(["report", "--from-json", src, "--out", tmp_path / "r.html"], cwd=tmp_path)
    assert_one_line_error(result, f"--from-json {src}: JSON nested too deeply to read")
    assert tree_hash(tmp_path) == before


@pytest.mark.parametrize("out, needle", [
    (".", "is a directory"),
    ("missing/r.html", "directory 'missing' does not exist"),
])
def test_report_out_checked_up_front(tmp_path, out, needle):
    """The input is fine; the output path is not: exit 2 before anything is read or written."""
    from tests.report.report_docs import realistic_validate_doc

    src = tmp_path / "v.json"
    src.write_text(json.dumps(realistic_validate_doc()))
    before = tree_hash(tmp_path)
    result = run_nbadq(["report", "--from-json", src, "--out", out], cwd=tmp_path)
    assert_one_line_error(result, f"--out {out}", needle)
    assert tree_hash(tmp_path) == before
