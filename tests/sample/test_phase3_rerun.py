"""A Phase 3 re-run (what serve-local does for `nbadq fill`) writes every Phase 3 table of the contract as the
sample builder did: a refilled date is as realistic as a clean one, only its processed_at is the run's."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from nbadq.sample.processors import PHASE3_PROCESSORS, run_phase3
from nbadq.sample.processors.phase3 import OUTPUTS
from nbadq.sample.processors.schedule_view import counted_games_on
from nbadq.warehouse.local import open_connection
from tests.sample.oracle import Calendar, Warehouse

NOW = dt.datetime(2026, 11, 30, 12, 0, 0)
STAMP = "2026-11-30T12:00:00+00:00"


def _rows(conn, day: str) -> dict[str, list[tuple]]:
    out = {}
    for output in OUTPUTS.values():
        t = output.table
        cols = ", ".join(c for c in t.column_names if c != "processed_at")
        out[t.qualified] = sorted(conn.execute(f"SELECT {cols} FROM {t.qualified} WHERE game_date = ?", (day,)))
    return out


@pytest.fixture
def copy(one_season, tmp_path):
    source, manifest = one_season
    root = tmp_path / "warehouse"
    shutil.copytree(source, root)
    conn = open_connection(root, write=True)
    yield conn, manifest
    conn.close()


def test_rerun_of_clean_dates_reproduces_every_phase3_table(copy):
    conn, manifest = copy
    upstream = ("raw_gamebook_missing", "analytics_partial_run", "null_minutes_bug", "analytics_duplicates",
                "usage_rate_null_week")
    touched = {d for defect in manifest["defects"] if defect["kind"] in upstream for d in defect["dates"]}
    days = ["2024-10-22", "2024-11-05", "2025-01-15", "2025-04-16", "2025-05-20"]  # opener ... play-in, playoffs
    assert not touched & set(days)
    for day in days:
        before = _rows(conn, day)
        assert all(before.values()), day
        d = dt.date.fromisoformat(day)
        results = run_phase3(conn, d, d, [], now=NOW)
        assert [r["processor"] for r in results] == list(PHASE3_PROCESSORS)
        assert _rows(conn, day) == before, day
        for output in OUTPUTS.values():
            stamps = conn.execute(f"SELECT DISTINCT processed_at FROM {output.table.qualified} WHERE game_date = ?",
                                  (day,)).fetchall()
            assert stamps == [(STAMP,)], (day, output.table.qualified)
        runs = conn.execute("SELECT processor_name, records_processed FROM nba_reference.processor_run_history "
                            "WHERE data_date = ? AND processed_at = ? AND status = 'success' ORDER BY processor_name",
                            (day, STAMP)).fetchall()
        assert runs == sorted((name, len(before[o.table.qualified])) for name, o in OUTPUTS.items()), day


def test_refilled_minutes_bug_date_gets_its_derived_columns_back(copy):
    conn, manifest = copy
    day = manifest["expected_failing_dates"]["analytics.minutes_null_rate"][0]
    d = dt.date.fromisoformat(day)
    run_phase3(conn, d, d, ["PlayerGameSummaryProcessor"], now=NOW)
    nulls = conn.execute("SELECT AVG(minutes_played IS NULL), SUM((usage_rate IS NULL) <> (minutes_played IS NULL)), "
                         "SUM((plus_minus IS NULL) <> (minutes_played IS NULL)) FROM nba_analytics.player_game_summary "
                         "WHERE game_date = ? AND is_dnp = 0", (day,)).fetchone()
    assert nulls[0] <= 0.05 and nulls[1:] == (0, 0)
    minutes = conn.execute("SELECT MIN(m), MAX(m) FROM (SELECT SUM(minutes_played) AS m FROM "
                           "nba_analytics.player_game_summary WHERE game_date = ? AND is_dnp = 0 "
                           "GROUP BY game_id, team_abbr)", (day,)).fetchone()
    assert minutes[0] >= 200 and minutes[1] <= 265.5


def test_refill_of_the_stuck_game_date_restores_the_stuck_games_rows(copy, one_season):
    """The sample's stuck_live_game (live on its latest scrape the morning after) was played: its gamebook exists,
    so a Phase 3 refill of its date writes its rows like those of the date's final games, and the processors count
    it as the calendar does (E(d))."""
    conn, manifest = copy
    stuck, = (x for x in manifest["defects"] if x["kind"] == "stuck_live_game")
    day, = stuck["dates"]
    assert day not in {d for x in manifest["defects"] if x["kind"] != "stuck_live_game" for d in x["dates"]}
    game_id = stuck["description"].split()[0]
    status, away, home = conn.execute(
        "SELECT game_status, away_team_tricode, home_team_tricode FROM nba_raw.nbac_schedule "
        "WHERE game_id = ? AND game_date = ? ORDER BY processed_at DESC LIMIT 1", (game_id, day)).fetchone()
    assert status == 2
    system_id = f"{day.replace('-', '')}_{away}_{home}"
    before = _rows(conn, day)
    lost = {}
    for output in OUTPUTS.values():  # the stuck game's Phase 3 rows lost, then the date refilled
        lost[output.table.qualified] = conn.execute(f"DELETE FROM {output.table.qualified} WHERE game_date = ? "
                                                    "AND game_id = ?", (day, system_id)).rowcount
    assert lost["nba_analytics.player_game_summary"] >= 18 and lost["nba_analytics.team_offense_game_summary"] == 2
    assert all(lost.values()), lost
    d = dt.date.fromisoformat(day)
    run_phase3(conn, d, d, [], now=NOW)
    assert _rows(conn, day) == before
    assert counted_games_on(conn, d) == Calendar(Warehouse(one_season[0])).expected[day]
