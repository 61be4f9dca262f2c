"""The simulated Phase 3 processor: minutes conversion, ids, statuses, MERGE on re-run, run history."""

from __future__ import annotations

import datetime as dt

import pytest

from nbadq.sample.processors import PHASE3_PROCESSORS, run_phase3
from nbadq.sample.processors.schedule_view import counted_games_on
from tests.sample.conftest import add_rows, schedule_row

DAY = dt.date(2024, 11, 6)
PRESEASON_DAY = dt.date(2024, 10, 10)
NOW = dt.datetime(2026, 1, 2, 3, 4, 5)


def _book(game_id: str, day: dt.date, player: str, team: str, status: str, minutes: str | None,
          points: int | None) -> dict:
    return {"game_id": game_id, "game_date": day.isoformat(), "season_year": 2024, "player_lookup": player,
            "team_abbr": team, "player_status": status, "minutes": minutes, "points": points}


@pytest.fixture
def raw(empty_warehouse):
    conn = empty_warehouse
    add_rows(conn, "nba_raw.nbac_schedule", [
        schedule_row("0022400101", DAY, "NYK", "BOS", status=1, scraped="T01:00:00+00:00"),
        schedule_row("0022400101", DAY, "NYK", "BOS"),  # the same game scraped again: no duplicated rows
        schedule_row("0012400007", PRESEASON_DAY, "LAL", "GSW"),
    ])
    add_rows(conn, "nba_raw.nbac_gamebook_player_stats", [
        _book("0022400101", DAY, "jaysontatum", "BOS", "active", "34:30", 31),
        _book("0022400101", DAY, "deepbench", "BOS", "active", "0:07", 0),
        _book("0022400101", DAY, "jalenbrunson", "NYK", "active", "12:03", 9),
        _book("0022400101", DAY, "oldformat", "NYK", "active", "5", 2),
        _book("0022400101", DAY, "lostminutes", "NYK", "active", None, 4),
        _book("0022400101", DAY, "coachsdecision", "NYK", "dnp", None, None),
        _book("0022400101", DAY, "injured", "BOS", "inactive", None, None),
        _book("0012400007", PRESEASON_DAY, "lebronjames", "LAL", "active", "20:00", 12),
    ])
    return conn


def _summary(conn) -> list[tuple]:
    return conn.execute("SELECT player_lookup, game_id, game_date, team_abbr, opponent_team_abbr, points, "
                        "minutes_played, is_dnp, is_active, player_status, processed_at "
                        "FROM nba_analytics.player_game_summary ORDER BY player_lookup").fetchall()


EXPECTED = [
    ("coachsdecision", "20241106_BOS_NYK", "2024-11-06", "NYK", "BOS", None, None, 1, 1, "dnp"),
    ("deepbench", "20241106_BOS_NYK", "2024-11-06", "BOS", "NYK", 0, 0.1, 0, 1, "active"),
    ("injured", "20241106_BOS_NYK", "2024-11-06", "BOS", "NYK", None, None, 1, 0, "inactive"),
    ("jalenbrunson", "20241106_BOS_NYK", "2024-11-06", "NYK", "BOS", 9, 12.1, 0, 1, "active"),
    ("jaysontatum", "20241106_BOS_NYK", "2024-11-06", "BOS", "NYK", 31, 34.5, 0, 1, "active"),
    ("lostminutes", "20241106_BOS_NYK", "2024-11-06", "NYK", "BOS", 4, None, 0, 1, "active"),
    ("oldformat", "20241106_BOS_NYK", "2024-11-06", "NYK", "BOS", 2, 5.0, 0, 1, "active"),
]


def test_gamebook_becomes_player_game_summary(raw):
    results = run_phase3(raw, PRESEASON_DAY, DAY, ["PlayerGameSummaryProcessor"], now=NOW)
    assert results == [{"processor": "PlayerGameSummaryProcessor", "status": "success", "stats": {}}]
    # Preseason games are not processed; "MM:SS" becomes minutes with one decimal; DNP/inactive stay NULL.
    assert _summary(raw) == [(*row, "2026-01-02T03:04:05+00:00") for row in EXPECTED]
    runs = raw.execute("SELECT processor_name, status, data_date, records_processed, phase "
                       "FROM nba_reference.processor_run_history ORDER BY rowid").fetchall()
    assert runs == [("PlayerGameSummaryProcessor", "running", "2024-11-06", 0, "phase3"),
                    ("PlayerGameSummaryProcessor", "success", "2024-11-06", 7, "phase3")]


def test_rerun_overwrites_and_collapses_duplicates(raw):
    run_phase3(raw, DAY, DAY, [], now=NOW)
    raw.execute("INSERT INTO nba_analytics.player_game_summary SELECT * FROM nba_analytics.player_game_summary "
                "WHERE player_lookup = 'jaysontatum'")
    raw.execute("UPDATE nba_analytics.player_game_summary SET minutes_played = NULL")  # the old coercion bug
    run_phase3(raw, DAY, DAY, [], now=NOW + dt.timedelta(days=1))
    assert _summary(raw) == [(*row, "2026-01-03T03:04:05+00:00") for row in EXPECTED]


def test_all_processors_when_none_named_and_unknown_ignored(raw):
    assert [r["processor"] for r in run_phase3(raw, DAY, DAY, [], now=NOW)] == list(PHASE3_PROCESSORS)
    assert run_phase3(raw, DAY, DAY, ["NoSuchProcessor"], now=NOW) == []
    only_other = run_phase3(raw, DAY, DAY, ["TeamOffenseGameSummaryProcessor"], now=NOW)
    assert only_other == [{"processor": "TeamOffenseGameSummaryProcessor", "status": "success", "stats": {}}]


def test_range_without_gamebook_rows_writes_nothing(raw):
    empty = dt.date(2024, 12, 24)
    assert run_phase3(raw, empty, empty, [], now=NOW)[0]["status"] == "success"
    assert raw.execute("SELECT COUNT(*) FROM nba_analytics.player_game_summary").fetchone() == (0,)
    assert raw.execute("SELECT COUNT(*) FROM nba_reference.processor_run_history").fetchone() == (0,)


def _scraped(game_id: str, status: int, tipoff: str, scraped: str) -> dict:
    """The game's only scrape on DAY: `status`, taken at `scraped`, tip-off at `tipoff` (UTC)."""
    row = schedule_row(game_id, DAY, "MIA", "ORL", status=status)
    return {**row, "processed_at": f"{DAY}T{scraped}+00:00", "game_date_est": f"{DAY}T{tipoff}+00:00"}


def test_a_game_stuck_live_is_counted_and_processed(empty_warehouse):
    """The calendar's counted games (final, or live on the latest scrape more than 6 h after tip-off): the
    processors count a stuck game, and Phase 3 processes its gamebook as it does a final game's."""
    conn = empty_warehouse
    add_rows(conn, "nba_raw.nbac_schedule", [
        _scraped("0022400201", 3, "00:00:00", "03:00:00"),  # final
        _scraped("0022400202", 2, "00:00:00", "06:00:01"),  # stuck: live 6 h 1 s after tip-off
        _scraped("0022400203", 2, "01:00:00", "06:00:00"),  # live 5 h after tip-off: maybe still playing
        _scraped("0022400204", 1, "00:00:00", "06:00:00"),  # scheduled after tip-off: maybe never played
        _scraped("0012400205", 3, "00:00:00", "03:00:00"),  # a final preseason game
    ])
    assert counted_games_on(conn, DAY) == 2
    add_rows(conn, "nba_raw.nbac_gamebook_player_stats", [_book("0022400202", DAY, "bamadebayo", "MIA", "active",
                                                                 "36:00", 22)])
    run_phase3(conn, DAY, DAY, ["PlayerGameSummaryProcessor"], now=NOW)
    assert conn.execute("SELECT player_lookup, game_id, minutes_played FROM nba_analytics.player_game_summary"
                        ).fetchall() == [("bamadebayo", "20241106_ORL_MIA", 36.0)]
