"""The incidents the checks exist for, injected into a built warehouse: one function per kind of defect.

Each function changes the tables, then returns a Defect naming the exact dates it touched and, per rule, the
dates that rule must now report (a defect can fail several rules, and a date it touches may fail none: a
bootstrap date without Phase 4 rows is correct). Dates are drawn without replacement from one DatePicker, so two
defects never share a date unless a cascade is intended.
"""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
from typing import Iterable

from nbadq.calendar import season_year_of
from nbadq.sample.defect_plan import DatePicker, Defect, Plan
from nbadq.sample.history import PCF, PGS, ROWS_PER_GAME, days_off_history, played_share, table_share
from nbadq.sample.processors.phase4 import history_start
from nbadq.sample.processors.phase4_metrics import player_days, team_days
from nbadq.sample.processors.phase4_rows import OUTPUT_TABLES, composite_factors
from nbadq.warehouse.local import insert_rows
from nbadq.sample.truth import Truth

PARTIAL_PHASE4 = ("TeamDefenseZoneAnalysisProcessor", "PlayerDailyCacheProcessor", "MLFeatureStoreProcessor")
ANALYTICS_DUPLICATES = (19, 74)  # the incident's two days
NULL_MINUTES_DATES = 4


def _isos(dates: Iterable[dt.date]) -> list[str]:
    return [d.isoformat() for d in dates]


def _other_seasons(plan: Plan, season: int) -> list[int]:
    return [s for s in plan.seasons if s != season] or [season]


def _regular(truth: Truth, seasons: Iterable[int], min_games: int = 1) -> list[dt.date]:
    return [d for s in seasons for d in truth.dates(s, min_games=min_games)]


GRADED_SHARE_WARNS = 0.8  # grading.per_system: graded / gradable under this per system and date is reported


def _grading_falls_short(conn: sqlite3.Connection, day: dt.date, lost_games: Iterable[str]) -> list[dt.date]:
    """[day] when leaving `lost_games` (system ids) ungraded puts some system under 80% of its gradable
    predictions of the date (grading.per_system), else []: a lost game among many is a small share."""
    lost = set(lost_games)
    owed: dict[str, list[int]] = {}
    for system, game, n in conn.execute(
            "SELECT system_id, game_id, COUNT(*) FROM (SELECT DISTINCT system_id, game_id, player_lookup "
            "FROM nba_predictions.player_prop_predictions WHERE game_date = ? AND is_active = 1 "
            "AND line_source = 'ACTUAL_PROP' AND invalidation_reason IS NULL) GROUP BY system_id, game_id",
            (day.isoformat(),)):
        pair = owed.setdefault(system, [0, 0])
        pair[0] += n * (game not in lost)
        pair[1] += n
    return [day] if any(graded < GRADED_SHARE_WARNS * total for graded, total in owed.values()) else []


def drop_gamebook_games(conn: sqlite3.Connection, truth: Truth, picker: DatePicker, plan: Plan) -> Defect:
    """A gamebook scrape that never landed: one game of a date is missing in raw, so in analytics and grading."""
    (day,) = picker.pick(1, _regular(truth, plan.seasons, min_games=2))
    game = picker.rng.choice(sorted(truth.games_on[day], key=lambda g: g.nba_id))
    conn.execute("DELETE FROM nba_raw.nbac_gamebook_player_stats WHERE game_id = ? AND game_date = ?",
                 (game.nba_id, day.isoformat()))
    return Defect("raw_gamebook_missing", f"gamebook of {game.nba_id} never scraped (cascades to analytics and "
                  "grading; a Phase 3 re-run cannot fix it)", [day],
                  {"raw.gamebook_completeness": [day], "analytics.completeness": [day],
                   "analytics.team_grain": [day],  # the team tables lack the game too
                   "grading.completeness": [day],
                   "grading.per_system": _grading_falls_short(conn, day, [game.system_id])})


def drop_analytics_games(conn: sqlite3.Connection, truth: Truth, picker: DatePicker, plan: Plan) -> Defect:
    """Phase 3 runs that died part-way: some games of a date have no player_game_summary rows."""
    days = picker.pick(2, _regular(truth, plan.seasons, min_games=3))
    short = []
    for lost, day in enumerate(days, start=1):
        games = sorted(truth.games_on[day], key=lambda g: g.nba_id)
        gone = picker.rng.sample(games, lost)
        for game in gone:
            conn.execute("DELETE FROM nba_analytics.player_game_summary WHERE game_id = ? AND game_date = ?",
                         (game.system_id, day.isoformat()))
        short += _grading_falls_short(conn, day, [g.system_id for g in gone])
    return Defect("analytics_partial_run", "Phase 3 wrote only part of the day's games (1 and 2 games lost; "
                  "predictions of those games stay ungraded)", days,
                  {"analytics.completeness": days, "grading.completeness": days, "grading.per_system": short})


def null_minutes(conn: sqlite3.Connection, truth: Truth, picker: DatePicker, plan: Plan) -> Defect:
    """The "MM:SS" coercion bug: every played row of the date has NULL minutes_played."""
    days = picker.pick(NULL_MINUTES_DATES, _regular(truth, [plan.null_season], min_games=5))
    conn.executemany("UPDATE nba_analytics.player_game_summary SET minutes_played = NULL "
                     "WHERE game_date = ? AND is_dnp = 0", [(d.isoformat(),) for d in days])
    return Defect("null_minutes_bug", "minutes \"MM:SS\" coerced to a number: NULL minutes_played on every "
                  "played row", days, {"analytics.minutes_null_rate": days,
                                       "analytics.column_health": days,  # minutes NULL on 100% of played rows
                                       "analytics.volume_vs_history": days_off_history(
                                           conn, truth, days, PGS, played_share("minutes_played IS NULL"))})


def usage_rate_null_week(conn: sqlite3.Connection, truth: Truth, picker: DatePicker, plan: Plan) -> Defect:
    """Team totals missing for a week: usage_rate NULL on every row of seven days' game dates
    (analytics.column_health: NULL on 100% of played rows)."""
    dates = sorted(_regular(truth, plan.seasons))
    week = dt.timedelta(days=7)
    weeks = {d: [x for x in dates if d <= x < d + week] for d in dates}
    free = {d: w for d, w in weeks.items() if not any(x in picker.used for x in w)}
    fullest = max(map(len, free.values()))  # most incidents leave few untouched weeks: take one of the fullest
    start = picker.rng.choice([d for d, w in free.items() if len(w) == fullest])
    days = picker.reserve(free[start])
    conn.executemany("UPDATE nba_analytics.player_game_summary SET usage_rate = NULL WHERE game_date = ?",
                     [(d.isoformat(),) for d in days])
    return Defect("usage_rate_null_week", f"usage_rate NULL on every row from {days[0]} to {days[-1]} (team "
                  "totals missing)", days, {"analytics.column_health": days, "analytics.volume_vs_history":
                                            days_off_history(conn, truth, days, PGS,
                                                             played_share("usage_rate IS NULL"))})


def null_fatigue(conn: sqlite3.Connection, truth: Truth, picker: DatePicker, plan: Plan) -> Defect:
    """A Phase 4 run whose fatigue inputs were missing: fatigue_score NULL on every player_composite_factors row of
    a date (precompute.column_health: NULL on 100% of the rows)."""
    written = {d for (d,) in conn.execute("SELECT DISTINCT game_date FROM nba_precompute.player_composite_factors")}
    (day,) = picker.pick(1, [d for d in _regular(truth, plan.seasons) if d.isoformat() in written])
    conn.execute("UPDATE nba_precompute.player_composite_factors SET fatigue_score = NULL WHERE game_date = ?",
                 (day.isoformat(),))
    return Defect("null_fatigue", "fatigue_score NULL on every player_composite_factors row of the date", [day],
                  {"precompute.column_health": [day], "precompute.volume_vs_history": days_off_history(
                      conn, truth, [day], PCF, table_share("fatigue_score IS NULL"), processable=True)})


def _delete_phase4(conn: sqlite3.Connection, processors: Iterable[str], day: dt.date) -> None:
    for name in processors:
        t = OUTPUT_TABLES[name]
        conn.execute(f"DELETE FROM {t.qualified} WHERE {t.date_column} = ?", (day.isoformat(),))


def missing_phase4(conn: sqlite3.Connection, truth: Truth, picker: DatePicker, plan: Plan,
                   gap: list[dt.date]) -> Defect:
    """A Phase 4 backfill that never ran: a run of dates in one season, two more elsewhere, and two bootstrap
    dates (whose only rows are placeholders, so no rule may fail there)."""
    scattered = picker.pick(2, _regular(truth, _other_seasons(plan, plan.gap_season)))
    bootstrap = picker.pick(2, truth.dates(plan.seasons[-1], processable=False))
    days = sorted(gap + scattered + bootstrap)
    for day in days:
        _delete_phase4(conn, OUTPUT_TABLES, day)
    processable = [d for d in days if truth.is_processable(d)]
    return Defect("missing_phase4", f"no Phase 4 rows and no runs: {len(gap)} consecutive game dates of "
                  f"{plan.gap_season}-{(plan.gap_season + 1) % 100:02d}, {len(scattered)} more, and bootstrap "
                  f"dates {', '.join(_isos(bootstrap))} (not failures)", days,
                  {"precompute.completeness": processable}, {d: tuple(OUTPUT_TABLES) for d in days})


def partial_phase4(conn: sqlite3.Connection, truth: Truth, picker: DatePicker, plan: Plan) -> Defect:
    """One processor failed on a date while the other four wrote their rows."""
    days = picker.pick(len(PARTIAL_PHASE4), _regular(truth, plan.seasons))
    for name, day in zip(PARTIAL_PHASE4, days):
        _delete_phase4(conn, [name], day)
    which = ", ".join(f"{d.isoformat()} {n}" for n, d in zip(PARTIAL_PHASE4, days))
    return Defect("partial_phase4", f"one Phase 4 processor failed ({which})", days,
                  {"precompute.completeness": days}, {d: (n,) for n, d in zip(PARTIAL_PHASE4, days)})


def early_season_rows(conn: sqlite3.Connection, truth: Truth, picker: DatePicker, plan: Plan) -> Defect:
    """An old processor version without the bootstrap guard: composite factors on a bootstrap date, and team
    defense placeholders not flagged early_season on another."""
    first = picker.pick(1, truth.dates(plan.seasons[0], processable=False))[0]
    second = picker.pick(1, truth.dates(plan.seasons[-1], processable=False))[0]
    opener = truth.openers[season_year_of(first)]
    start = history_start(first, opener)
    rows = composite_factors(team_days(conn, first, first, start), player_days(conn, first, first, start), True,
                             f"{first + dt.timedelta(days=1)}T09:30:00+00:00")
    insert_rows(conn, OUTPUT_TABLES["PlayerCompositeFactorsProcessor"], rows)
    conn.execute("UPDATE nba_precompute.team_defense_zone_analysis SET early_season_flag = 0 "
                 "WHERE analysis_date = ?", (second.isoformat(),))
    return Defect("early_season_rows", f"{len(rows)} player_composite_factors rows on bootstrap date "
                  f"{first}; team defense rows of bootstrap date {second} not flagged early_season",
                  [first, second], {"precompute.early_season": sorted([first, second])})


def precompute_duplicates(conn: sqlite3.Connection, truth: Truth, picker: DatePicker, plan: Plan) -> Defect:
    (day,) = picker.pick(1, _regular(truth, plan.seasons, min_games=4))
    conn.execute("INSERT INTO nba_precompute.player_composite_factors SELECT * FROM "
                 "nba_precompute.player_composite_factors WHERE game_date = ? ORDER BY player_lookup LIMIT 12",
                 (day.isoformat(),))
    return Defect("precompute_duplicates", "12 player_composite_factors rows written twice", [day],
                  {"precompute.duplicate_keys": [day]})


STALE_LOOKBACK_DAYS = 21  # precompute.stale_after_upstream: Phase 4 of t reads the 21 days before t
STALE_RERUN_DAYS = 7  # the late Phase 3 re-run lands a week after the next dates' Phase 4


def late_phase3_rerun(conn: sqlite3.Connection, truth: Truth, picker: DatePicker, plan: Plan) -> Defect:
    """A corrected box score re-processed in Phase 3 a week late: player_game_summary of one date re-run after the
    Phase 4 rows of the following dates were written, so those rows (built from the old rows) are stale
    (cascade contamination). The re-run is recorded in the run history; the stale dates are every processable date
    of the season in the 21 days after it whose composite factors were first written before the re-run."""
    from nbadq.sample.processors.writes import RUN_HISTORY, run_history_rows

    def later(d: dt.date, days: int) -> list[dt.date]:
        return [t for t in truth.game_dates() if d < t <= d + dt.timedelta(days=days)
                and season_year_of(t) == season_year_of(d) and truth.is_processable(t)]

    candidates = [d for d in _regular(truth, plan.seasons) if any(t not in picker.used
                                                                   for t in later(d, STALE_RERUN_DAYS))]
    (day,) = picker.pick(1, candidates)
    rerun = dt.datetime.combine(day + dt.timedelta(days=STALE_RERUN_DAYS + 1), dt.time(14, 0))
    stamp = f"{rerun:%Y-%m-%dT%H:%M:%S}+00:00"
    conn.execute("UPDATE nba_analytics.player_game_summary SET processed_at = ? WHERE game_date = ?",
                 (stamp, day.isoformat()))
    count = conn.execute("SELECT COUNT(*) FROM nba_analytics.player_game_summary WHERE game_date = ?",
                         (day.isoformat(),)).fetchone()[0]
    insert_rows(conn, RUN_HISTORY, run_history_rows("PlayerGameSummaryProcessor", day, "phase3", "success", count,
                                                    rerun, rerun + dt.timedelta(minutes=1),
                                                    run_id=f"late-rerun-{day:%Y%m%d}"))
    written = dict(conn.execute("SELECT game_date, MIN(processed_at) FROM nba_precompute.player_composite_factors "
                                "WHERE processed_at IS NOT NULL GROUP BY game_date"))
    stale = [t for t in later(day, STALE_LOOKBACK_DAYS) if t.isoformat() in written
             and written[t.isoformat()] < stamp]
    return Defect("late_phase3_rerun", f"player_game_summary of {day} re-processed at {stamp}, after the Phase 4 "
                  f"rows of {len(stale)} later date(s) were written", [day] + stale,
                  {"precompute.stale_after_upstream": stale})


def composite_players_dropped(conn: sqlite3.Connection, truth: Truth, picker: DatePicker, plan: Plan) -> Defect:
    """Phase 4 keeping 1 player of the date: every player_composite_factors row of a full slate but one lost while
    every game, and the feature store, stay present (precompute.player_reconciliation)."""
    (day,) = picker.pick(1, _regular(truth, plan.seasons, min_games=5))
    conn.execute("DELETE FROM nba_precompute.player_composite_factors WHERE game_date = ? AND player_lookup <> "
                 "(SELECT MIN(player_lookup) FROM nba_precompute.player_composite_factors WHERE game_date = ?)",
                 (day.isoformat(), day.isoformat()))
    return Defect("composite_players_dropped", "player_composite_factors kept 1 player of the date", [day],
                  {"precompute.player_reconciliation": [day], "precompute.volume_vs_history": days_off_history(
                      conn, truth, [day], PCF, ROWS_PER_GAME, rows=True, processable=True)})


def feature_store_duplicates(conn: sqlite3.Connection, truth: Truth, picker: DatePicker, plan: Plan) -> Defect:
    """The feature store's write appended instead of merging: every ml_feature_store_v2 row of a date twice."""
    (day,) = picker.pick(1, _regular(truth, plan.seasons))
    conn.execute("INSERT INTO nba_predictions.ml_feature_store_v2 SELECT * FROM nba_predictions.ml_feature_store_v2 "
                 "WHERE game_date = ?", (day.isoformat(),))
    return Defect("feature_store_duplicates", "every ml_feature_store_v2 row of the date written twice", [day],
                  {"precompute.duplicate_keys": [day]})


def playoffs_without_predictions(conn: sqlite3.Connection, truth: Truth, plan: Plan,
                                 playoffs: list[dt.date]) -> Defect:
    conn.executemany("DELETE FROM nba_predictions.player_prop_predictions WHERE game_date = ?",
                     [(d.isoformat(),) for d in playoffs])
    games = sum(truth.expected(d) for d in playoffs)
    return Defect("playoffs_without_predictions", f"the {plan.playoff_season + 1} playoffs ({games} games) "
                  "were never predicted (so never graded)", playoffs, {"predictions.completeness": playoffs})


def prediction_duplicates(conn: sqlite3.Connection, truth: Truth, picker: DatePicker, plan: Plan) -> Defect:
    """A coordinator re-run that did not deactivate the first batch: two active rows per key for one game."""
    (day,) = picker.pick(1, _regular(truth, plan.seasons))
    game = picker.rng.choice(sorted(truth.games_on[day], key=lambda g: g.nba_id))
    conn.execute("""
        INSERT INTO nba_predictions.player_prop_predictions
        SELECT prediction_id || '-rerun', player_lookup, game_id, game_date, system_id, predicted_points + 0.5,
               is_active, substr(created_at, 1, 11) || '17:30:00+00:00', line_source, current_points_line,
               recommendation, invalidation_reason
        FROM nba_predictions.player_prop_predictions
        WHERE game_date = ? AND game_id = ? AND is_active = 1""", (day.isoformat(), game.system_id))
    return Defect("prediction_duplicates", f"{game.system_id} predicted twice with both batches active", [day],
                  {"predictions.duplicate_keys": [day]})


def missing_grading(conn: sqlite3.Connection, truth: Truth, plan: Plan, january: list[dt.date],
                    rng: random.Random) -> Defect:
    """A month graded with one row: everything of January except one grade is gone."""
    keep_day = rng.choice([d for d in january if truth.expected(d) >= 2])
    first, last = dt.date(plan.gap_season + 1, 1, 1), dt.date(plan.gap_season + 1, 1, 31)
    keep = conn.execute("SELECT MIN(rowid) FROM nba_predictions.prediction_accuracy WHERE game_date = ?",
                        (keep_day.isoformat(),)).fetchone()[0]
    conn.execute("DELETE FROM nba_predictions.prediction_accuracy WHERE game_date BETWEEN ? AND ? AND rowid <> ?",
                 (first.isoformat(), last.isoformat(), keep))
    return Defect("missing_grading", f"January {plan.gap_season + 1} graded with a single row (on {keep_day})",
                  january, {"grading.completeness": january, "grading.per_system": january})


def deactivated_system(conn: sqlite3.Connection, truth: Truth, picker: DatePicker, plan: Plan) -> Defect:
    """One model's predictions of a date all deactivated by a bad re-run while the other model's stay active
    (so the date still looks predicted, and the deactivated ones are never graded)."""
    (day,) = picker.pick(1, _regular(truth, plan.seasons))
    conn.execute("UPDATE nba_predictions.player_prop_predictions SET is_active = 0 "
                 "WHERE game_date = ? AND system_id = 'ensemble_v1'", (day.isoformat(),))
    return Defect("system_deactivated", "every ensemble_v1 prediction of the date deactivated (catboost_v8 kept)",
                  [day], {"predictions.per_system": [day]})


def partial_prop_lines(conn: sqlite3.Connection, truth: Truth, picker: DatePicker, plan: Plan) -> Defect:
    """A props re-scrape that replaced a date's bettingpros partition after Phase 3 ran and landed for one game
    only: the other games' players have no line in raw (raw.prop_lines; the context and predictions keep theirs)."""
    (day,) = picker.pick(1, _regular(truth, plan.seasons, min_games=3))
    games = sorted(truth.games_on[day], key=lambda g: g.nba_id)
    kept = picker.rng.choice(games)
    lost = [g.nba_id for g in games if g is not kept]
    marks = ", ".join("?" * len(lost))
    conn.execute("DELETE FROM nba_raw.bettingpros_player_points_props WHERE game_date = ? AND player_lookup IN "
                 "(SELECT player_lookup FROM nba_raw.nbac_gamebook_player_stats WHERE game_date = ? "
                 f"AND game_id IN ({marks}))", (day.isoformat(), day.isoformat(), *lost))
    (players,) = conn.execute("SELECT COUNT(DISTINCT player_lookup) FROM nba_raw.bettingpros_player_points_props "
                              "WHERE game_date = ? AND is_active = 1", (day.isoformat(),)).fetchone()
    assert players < 10 * len(games), (day, players)
    return Defect("partial_prop_lines", f"bettingpros lines of {kept.nba_id} only ({players} players for "
                  f"{len(games)} games), re-scraped after Phase 3 ran", [day], {"raw.prop_lines": [day]})


def context_without_lines(conn: sqlite3.Connection, truth: Truth, picker: DatePicker, plan: Plan) -> Defect:
    """The lines arrived after the context processor ran: no upcoming_player_game_context row of the date has a
    line (analytics.prop_line_coverage; raw holds the lines, so a Phase 3 re-run repairs it)."""
    (day,) = picker.pick(1, _regular(truth, plan.seasons))
    conn.execute("UPDATE nba_analytics.upcoming_player_game_context SET has_prop_line = 0, current_points_line = NULL "
                 "WHERE game_date = ?", (day.isoformat(),))
    return Defect("context_without_lines", "context built before the day's lines landed: no context row has a line",
                  [day], {"analytics.prop_line_coverage": [day]})


def lined_players_unpredicted(conn: sqlite3.Connection, truth: Truth, picker: DatePicker, plan: Plan) -> Defect:
    """The coordinator skipped players: a fifth of the players with a line on a processable date have no
    prediction (nor grade) in any system, while every game stays predicted (predictions.prop_line_coverage)."""
    (day,) = picker.pick(1, _regular(truth, plan.seasons, min_games=2))
    players = [p for (p,) in conn.execute(
        "SELECT DISTINCT player_lookup FROM nba_analytics.upcoming_player_game_context WHERE game_date = ? "
        "AND has_prop_line = 1 ORDER BY player_lookup", (day.isoformat(),))]
    skipped = sorted(picker.rng.sample(players, -(-len(players) // 5)))
    marks = ", ".join("?" * len(skipped))
    for name in ("nba_predictions.player_prop_predictions", "nba_predictions.prediction_accuracy"):
        conn.execute(f"DELETE FROM {name} WHERE game_date = ? AND player_lookup IN ({marks})",
                     (day.isoformat(), *skipped))
    return Defect("lined_players_unpredicted", f"{len(skipped)} of {len(players)} players with a line never "
                  "predicted", [day], {"predictions.prop_line_coverage": [day]})


def ungraded_system(conn: sqlite3.Connection, truth: Truth, picker: DatePicker, plan: Plan) -> Defect:
    """One model's backfill never graded: catboost_v8 keeps 1 grade of the date while ensemble_v1's grades make
    every game look graded."""
    (day,) = picker.pick(1, _regular(truth, plan.seasons, min_games=2))
    conn.execute("DELETE FROM nba_predictions.prediction_accuracy WHERE game_date = ? AND system_id = 'catboost_v8' "
                 "AND rowid <> (SELECT MIN(rowid) FROM nba_predictions.prediction_accuracy WHERE game_date = ? "
                 "AND system_id = 'catboost_v8')", (day.isoformat(), day.isoformat()))
    return Defect("system_ungraded", "catboost_v8's grading of the date lost but one row (ensemble_v1 graded)",
                  [day], {"grading.per_system": [day]})


def grading_duplicates(conn: sqlite3.Connection, truth: Truth, picker: DatePicker, plan: Plan) -> Defect:
    (day,) = picker.pick(1, _regular(truth, plan.seasons))
    conn.execute("INSERT INTO nba_predictions.prediction_accuracy SELECT * FROM nba_predictions.prediction_accuracy "
                 "WHERE game_date = ? ORDER BY game_id, player_lookup, system_id LIMIT 6", (day.isoformat(),))
    return Defect("grading_duplicates", "two grading runs overlapped: 6 grades written twice", [day],
                  {"grading.duplicate_keys": [day]})


FALSE_ZERO_PROCESSORS = (
    ("PlayerGameSummaryProcessor", "processable"), ("PlayerGameSummaryProcessor", "processable"),
    ("PlayerGameSummaryProcessor", "processable"), ("PlayerGameSummaryProcessor", "processable"),
    ("TeamDefenseZoneAnalysisProcessor", "bootstrap"), ("TeamDefenseZoneAnalysisProcessor", "processable"),
    ("PlayerShotZoneAnalysisProcessor", "processable"), ("PlayerDailyCacheProcessor", "processable"),
    ("PlayerCompositeFactorsProcessor", "processable"), ("MLFeatureStoreProcessor", "processable"),
)


def false_zero_runs(conn: sqlite3.Connection, truth: Truth, picker: DatePicker, plan: Plan) -> Defect:
    """Runs that wrote rows but recorded records_processed = 0 (the save override that forgot its count)."""
    pairs = []
    for name, where in FALSE_ZERO_PROCESSORS:
        candidates = truth.dates(picker.rng.choice(plan.seasons), processable=(where == "processable"))
        pairs += [(name, d) for d in picker.pick(1, candidates)]
    conn.executemany("UPDATE nba_reference.processor_run_history SET records_processed = 0 "
                     "WHERE processor_name = ? AND data_date = ? AND status = 'success'",
                     [(name, d.isoformat()) for name, d in pairs])
    days = sorted(d for _, d in pairs)
    return Defect("false_zero_runs", f"{len(pairs)} successful runs that wrote rows recorded 0 records", days,
                  {"reference.false_zero_runs": days}, {d: (n,) for n, d in pairs})


def analytics_duplicates(conn: sqlite3.Connection, truth: Truth, picker: DatePicker, plan: Plan) -> Defect:
    """A MERGE that fell back to DELETE+INSERT and inserted twice: 19 duplicated rows one day, 74 another."""
    days = picker.pick(len(ANALYTICS_DUPLICATES), _regular(truth, plan.seasons, min_games=4))
    for count, day in zip(ANALYTICS_DUPLICATES, days):
        # Played rows with minutes: the copies must not move the day's NULL-minutes rate.
        conn.execute("INSERT INTO nba_analytics.player_game_summary SELECT * FROM "
                     "nba_analytics.player_game_summary WHERE game_date = ? AND is_dnp = 0 "
                     "AND minutes_played IS NOT NULL ORDER BY game_id, player_lookup LIMIT ?",
                     (day.isoformat(), count))
    counts = " and ".join(map(str, ANALYTICS_DUPLICATES))
    return Defect("analytics_duplicates", f"MERGE fell back to DELETE+INSERT: {counts} duplicated "
                  "(game_id, player_lookup) rows", days, {"analytics.duplicate_keys": days})


TEAM_TABLES = (("nba_analytics.team_offense_game_summary", "team_abbr"),
               ("nba_analytics.team_defense_game_summary", "defending_team_abbr"))


def reversed_team_ids(conn: sqlite3.Connection, truth: Truth, picker: DatePicker, plan: Plan) -> Defect:
    """The team processors keyed a game on HOME_AWAY as well: its team rows written a second time under the
    reversed id, so the same game appears twice (analytics.game_id_orientation; the canonical rows stay)."""
    (day,) = picker.pick(1, _regular(truth, plan.seasons, min_games=2))
    game = picker.rng.choice(sorted(truth.games_on[day], key=lambda g: g.nba_id))
    reversed_id = f"{day:%Y%m%d}_{game.home}_{game.away}"
    for name, _ in TEAM_TABLES:
        cols = [r[1] for r in conn.execute(f"PRAGMA {name.split('.')[0]}.table_info({name.split('.')[1]})")]
        select = ", ".join("? AS game_id" if c == "game_id" else c for c in cols)
        conn.execute(f"INSERT INTO {name} ({', '.join(cols)}) SELECT {select} FROM {name} "
                     "WHERE game_date = ? AND game_id = ?", (reversed_id, day.isoformat(), game.system_id))
    return Defect("reversed_team_ids", f"team rows of {game.system_id} written again under {reversed_id}", [day],
                  {"analytics.game_id_orientation": [day]})


def duplicated_team_rows(conn: sqlite3.Connection, truth: Truth, picker: DatePicker, plan: Plan) -> Defect:
    """The team offense processor appended instead of merging: every team_offense_game_summary row of a date
    written twice (the incident's 40,382 rows where about 10,400 belonged)."""
    (day,) = picker.pick(1, _regular(truth, plan.seasons, min_games=2))
    conn.execute("INSERT INTO nba_analytics.team_offense_game_summary SELECT * FROM "
                 "nba_analytics.team_offense_game_summary WHERE game_date = ?", (day.isoformat(),))
    return Defect("duplicated_team_rows", "every team_offense_game_summary row of the date written twice", [day],
                  {"analytics.team_grain": [day]})


def reversed_composite_ids(conn: sqlite3.Connection, truth: Truth, picker: DatePicker, plan: Plan) -> Defect:
    """Phase 4 keyed one game of a processable date on HOME_AWAY: its player_composite_factors rows carry the
    reversed id (precompute.game_id_orientation; the game's players and their count are unchanged)."""
    (day,) = picker.pick(1, _regular(truth, plan.seasons, min_games=2))
    game = picker.rng.choice([g for g in sorted(truth.games_on[day], key=lambda g: g.nba_id) if conn.execute(
        "SELECT 1 FROM nba_precompute.player_composite_factors WHERE game_date = ? AND game_id = ? LIMIT 1",
        (day.isoformat(), g.system_id)).fetchone()])
    reversed_id = f"{day:%Y%m%d}_{game.home}_{game.away}"
    conn.execute("UPDATE nba_precompute.player_composite_factors SET game_id = ? WHERE game_date = ? AND game_id = ?",
                 (reversed_id, day.isoformat(), game.system_id))
    return Defect("reversed_composite_ids", f"player_composite_factors rows of {game.system_id} written under "
                  f"{reversed_id}", [day], {"precompute.game_id_orientation": [day]})
