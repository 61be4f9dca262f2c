"""The simulated Phase 4 processors on a hand-made season: exact rows on bootstrap, processable and empty days."""

from __future__ import annotations

import datetime as dt

import pytest

from nbadq.sample.processors import run_phase4
from nbadq.schema import PHASE4_PROCESSORS
from tests.sample.conftest import add_rows, schedule_row

OPENER = dt.date(2024, 10, 22)
PROCESSABLE = OPENER + dt.timedelta(days=24)  # game 12, season day 24
BOOTSTRAP = OPENER + dt.timedelta(days=6)  # game 3, season day 6
NO_GAMES = OPENER + dt.timedelta(days=1)
NOW = dt.datetime(2026, 1, 2, 3, 4, 5)


def _game_day(i: int) -> dt.date:
    return OPENER + dt.timedelta(days=2 * i)


def _summary(i: int, player: str, team: str, points: int | None, minutes: float | None,
             dnp: bool = False) -> dict:
    day = _game_day(i)
    return {"player_lookup": player, "game_id": f"{day:%Y%m%d}_NYK_BOS", "game_date": day.isoformat(),
            "season_year": 2024, "team_abbr": team, "opponent_team_abbr": "NYK" if team == "BOS" else "BOS",
            "points": points, "minutes_played": minutes, "is_dnp": int(dnp), "is_active": 1,
            "player_status": "dnp" if dnp else "active", "processed_at": "2024-12-01T00:00:00+00:00"}


@pytest.fixture
def season(empty_warehouse):
    """BOS hosts NYK every other day from the opener (13 games), after one preseason game. BOS: bos1 scores
    10+i in 30.0 minutes, bos2 20 in 20.5, bos3 never plays. NYK: nyk1 15 in 32.0, nyk2 5 with minutes lost."""
    conn = empty_warehouse
    sched = [schedule_row("0012400001", OPENER - dt.timedelta(days=7), "BOS", "NYK")]
    rows = []
    for i in range(13):
        day, gid = _game_day(i), f"00224000{i + 1:02d}"
        sched += [schedule_row(gid, day, "BOS", "NYK", status=1, scraped="T01:00:00+00:00"),
                  schedule_row(gid, day, "BOS", "NYK")]
        rows += [_summary(i, "bos1", "BOS", 10 + i, 30.0), _summary(i, "bos2", "BOS", 20, 20.5),
                 _summary(i, "bos3", "BOS", None, None, dnp=True), _summary(i, "nyk1", "NYK", 15, 32.0),
                 _summary(i, "nyk2", "NYK", 5, None)]
    add_rows(conn, "nba_raw.nbac_schedule", sched)
    add_rows(conn, "nba_analytics.player_game_summary", rows)
    return conn


def _rows(conn, sql: str, day: dt.date) -> list[tuple]:
    return sorted(conn.execute(sql, (day.isoformat(),)).fetchall())


def _runs(conn, day: dt.date) -> list[tuple]:
    return conn.execute("SELECT processor_name, status, records_processed, skip_reason, phase "
                        "FROM nba_reference.processor_run_history WHERE data_date = ? ORDER BY rowid",
                        (day.isoformat(),)).fetchall()


def test_processable_day_writes_rolling_windows(season):
    results = run_phase4(season, PROCESSABLE, [], backfill_mode=True, now=NOW)
    assert results == [{"processor": p, "status": "success", "stats": {}} for p in PHASE4_PROCESSORS]
    gid = f"{PROCESSABLE:%Y%m%d}_NYK_BOS"
    assert _rows(season, "SELECT player_lookup, game_id, fatigue_score, total_composite_adjustment, "
                         "early_season_flag, is_production_ready, analysis_date, processed_at "
                         "FROM nba_precompute.player_composite_factors WHERE game_date = ?", PROCESSABLE) == [
        # last 10 games before the day: bos1 averages 16.5 points in 30.0 min, one day of rest -> fatigue 56;
        # NYK allowed 30+i over its 12 games (35.5 a game): adjustment -0.3 + (35.5 - 112) / 10.
        ("bos1", gid, 56, pytest.approx(-7.95), 0, 1, PROCESSABLE.isoformat(), "2026-01-02T03:04:05+00:00"),
        ("bos2", gid, 45, pytest.approx(-7.4), 0, 1, PROCESSABLE.isoformat(), "2026-01-02T03:04:05+00:00"),
        ("nyk1", gid, 58, pytest.approx(-9.6), 0, 1, PROCESSABLE.isoformat(), "2026-01-02T03:04:05+00:00"),
        ("nyk2", gid, 20, pytest.approx(-7.7), 0, 1, PROCESSABLE.isoformat(), "2026-01-02T03:04:05+00:00"),
    ]
    assert _rows(season, "SELECT player_lookup, points_avg_last_10, minutes_avg_last_10, early_season_flag "
                         "FROM nba_precompute.player_daily_cache WHERE cache_date = ?", PROCESSABLE) == [
        ("bos1", 16.5, 30.0, 0), ("bos2", 20.0, 20.5, 0), ("nyk1", 15.0, 32.0, 0), ("nyk2", 5.0, None, 0)]
    assert _rows(season, "SELECT player_lookup, games_in_sample_10, early_season_flag "
                         "FROM nba_precompute.player_shot_zone_analysis WHERE analysis_date = ?", PROCESSABLE) == [
        ("bos1", 10, 0), ("bos2", 10, 0), ("nyk1", 10, 0), ("nyk2", 10, 0)]
    assert _rows(season, "SELECT team_abbr, games_in_sample, early_season_flag "
                         "FROM nba_precompute.team_defense_zone_analysis WHERE analysis_date = ?", PROCESSABLE) == [
        ("BOS", 12, 0), ("NYK", 12, 0)]
    assert _rows(season, "SELECT player_lookup, game_id, feature_count, early_season_flag, is_production_ready "
                         "FROM nba_predictions.ml_feature_store_v2 WHERE game_date = ?", PROCESSABLE) == [
        (p, gid, 33, 0, 1) for p in ("bos1", "bos2", "nyk1", "nyk2")]
    assert _runs(season, PROCESSABLE) == [
        row for p, n in zip(PHASE4_PROCESSORS, (2, 4, 4, 4, 4))
        for row in ((p, "running", 0, None, "phase4"), (p, "success", n, None, "phase4"))]


def test_bootstrap_day_writes_only_flagged_placeholders(season):
    results = run_phase4(season, BOOTSTRAP, [], backfill_mode=True, now=NOW)
    assert [r["status"] for r in results] == ["success"] * 5
    for t, col in (("player_composite_factors", "game_date"), ("player_shot_zone_analysis", "analysis_date"),
                   ("player_daily_cache", "cache_date")):
        assert _rows(season, f"SELECT * FROM nba_precompute.{t} WHERE {col} = ?", BOOTSTRAP) == []
    assert _rows(season, "SELECT team_abbr, games_in_sample, early_season_flag "
                         "FROM nba_precompute.team_defense_zone_analysis WHERE analysis_date = ?", BOOTSTRAP) == [
        ("BOS", 3, 1), ("NYK", 3, 1)]
    assert _rows(season, "SELECT player_lookup, feature_count, early_season_flag, is_production_ready "
                         "FROM nba_predictions.ml_feature_store_v2 WHERE game_date = ?", BOOTSTRAP) == [
        ("bos1", 33, 1, 0), ("bos2", 33, 1, 0), ("nyk1", 33, 1, 0), ("nyk2", 33, 1, 0)]
    finals = [r for r in _runs(season, BOOTSTRAP) if r[1] != "running"]
    assert finals == [
        ("TeamDefenseZoneAnalysisProcessor", "success", 2, None, "phase4"),
        ("PlayerShotZoneAnalysisProcessor", "success", 0, "early_season", "phase4"),
        ("PlayerDailyCacheProcessor", "success", 0, "early_season", "phase4"),
        ("PlayerCompositeFactorsProcessor", "success", 0, "early_season", "phase4"),
        ("MLFeatureStoreProcessor", "success", 4, None, "phase4")]


def test_day_without_games_succeeds_silently(season):
    results = run_phase4(season, NO_GAMES, [], backfill_mode=False, now=NOW)
    assert [r["status"] for r in results] == ["success"] * 5
    assert season.execute("SELECT COUNT(*) FROM nba_predictions.ml_feature_store_v2").fetchone() == (0,)
    assert {r[2:4] for r in _runs(season, NO_GAMES) if r[1] == "success"} == {(0, "no_games")}


def test_rerun_merges_instead_of_appending(season):
    run_phase4(season, PROCESSABLE, [], True, now=NOW)
    # A stale duplicate key (the old DELETE+INSERT fallback) must collapse on the next run.
    season.execute("INSERT INTO nba_precompute.player_composite_factors SELECT * FROM "
                   "nba_precompute.player_composite_factors WHERE player_lookup = 'bos1'")
    run_phase4(season, PROCESSABLE, [], True, now=NOW + dt.timedelta(hours=1))
    counts = season.execute("SELECT player_lookup, COUNT(*), MAX(processed_at) FROM "
                            "nba_precompute.player_composite_factors GROUP BY player_lookup").fetchall()
    assert counts == [(p, 1, "2026-01-02T04:04:05+00:00") for p in ("bos1", "bos2", "nyk1", "nyk2")]
    assert season.execute("SELECT COUNT(*) FROM nba_precompute.team_defense_zone_analysis").fetchone() == (2,)


def test_unknown_processors_are_ignored_and_order_is_the_contracts(season):
    results = run_phase4(season, PROCESSABLE, ["MLFeatureStoreProcessor", "Bogus", "TeamDefenseZoneAnalysisProcessor"],
                         True, now=NOW)
    assert [r["processor"] for r in results] == ["TeamDefenseZoneAnalysisProcessor", "MLFeatureStoreProcessor"]
    assert season.execute("SELECT COUNT(*) FROM nba_precompute.player_daily_cache").fetchone() == (0,)
    assert run_phase4(season, PROCESSABLE, ["Bogus"], True, now=NOW) == []


def test_missing_analytics_is_a_silent_success_with_no_data(season):
    season.execute("DELETE FROM nba_analytics.player_game_summary WHERE game_date = ?", (PROCESSABLE.isoformat(),))
    results = run_phase4(season, PROCESSABLE, [], True, now=NOW)
    assert [r["status"] for r in results] == ["success"] * 5
    assert {r[2:4] for r in _runs(season, PROCESSABLE) if r[1] == "success"} == {(0, "no_data")}
