"""Incidents of players and game ids across layers (issue 10, families 3 and 5), injected into a built warehouse.

Kept apart from nbadq.sample.defects (same conventions: one function per incident, dates drawn from the shared
DatePicker, a Defect naming per rule the exact dates it must now fail).
"""

from __future__ import annotations

import math
import sqlite3
from collections import defaultdict

from nbadq.sample.defect_plan import DatePicker, Defect, Plan
from nbadq.sample.defects import _grading_falls_short
from nbadq.sample.grading import grade
from nbadq.sample.history import PGS, ROWS_PER_GAME, days_off_history
from nbadq.sample.truth import Truth

CONTEXT = "nba_analytics.upcoming_player_game_context"
PREDICTIONS = "nba_predictions.player_prop_predictions"
GRADES = "nba_predictions.prediction_accuracy"
DROPPED_SHARE = 0.4  # the incident: about 40% of a date's players missing from player_game_summary
TEAM_MINUTES_WARN = 200  # analytics.team_grain's bar (its warning; 180 fails), 25 more per overtime


def analytics_players_dropped(conn: sqlite3.Connection, truth: Truth, picker: DatePicker, plan: Plan) -> Defect:
    """Players dropped between raw and analytics while every game stays present: 40% of each team's rows of a
    date gone from player_game_summary, all of them played rows (analytics.player_reconciliation; the date's rows
    per game fall to about 60% of its history, analytics.volume_vs_history)."""
    (day,) = picker.pick(1, [d for s in plan.seasons for d in truth.dates(s, min_games=2)])
    gone = _rows_to_drop(conn, day.isoformat(), picker)
    conn.executemany(f"DELETE FROM {PGS} WHERE rowid = ?", [(r,) for r in gone])
    fails = {"analytics.player_reconciliation": [day],
             "analytics.volume_vs_history": days_off_history(conn, truth, [day], PGS, ROWS_PER_GAME, rows=True)}
    if _some_team_short(conn, day.isoformat()):
        fails["analytics.team_grain"] = [day]  # fewer players, fewer team minutes
    return Defect("analytics_players_dropped", f"{len(gone)} played players of the date dropped from "
                  "player_game_summary (40% of each team's rows) while every game stays present", [day], fails)


def _rows_to_drop(conn: sqlite3.Connection, day: str, picker: DatePicker) -> list[int]:
    """40% of each team's rows of `day`, taken from its played rows, those with a NULL or 0 minutes, points or
    usage first (so no NULL or zero share rises on the rows left: only the volume falls), then at random."""
    teams: dict[tuple[str, str], list[tuple[bool, float, int]]] = defaultdict(list)
    size: dict[tuple[str, str], int] = defaultdict(int)
    for rowid, game, team, dnp, odd in conn.execute(
            f"SELECT rowid, game_id, team_abbr, is_dnp, COALESCE(minutes_played, 0) = 0 OR COALESCE(points, 0) = 0 "
            f"OR COALESCE(usage_rate, 0) = 0 FROM {PGS} WHERE game_date = ? ORDER BY game_id, team_abbr, "
            "player_lookup", (day,)):
        size[(game, team)] += 1
        if not dnp:
            teams[(game, team)].append((not odd, picker.rng.random(), rowid))
    return [rowid for key, rows in teams.items() for _, _, rowid in sorted(rows)[:round(DROPPED_SHARE * size[key])]]


def _some_team_short(conn: sqlite3.Connection, day: str) -> bool:
    """Whether a team of `day` now plays under 200 minutes (+25 per overtime, inferred from the game's larger
    total above 240) in player_game_summary, each player once, whole minutes: analytics.team_grain's bar. Every
    played row left on the date has its minutes (the defect removed those without)."""
    games: dict[str, list[int]] = defaultdict(list)
    for game, minutes in conn.execute(
            f"SELECT game_id, SUM(m) FROM (SELECT game_id, team_abbr, player_lookup, MAX(minutes_played) AS m "
            f"FROM {PGS} WHERE game_date = ? GROUP BY game_id, team_abbr, player_lookup) GROUP BY game_id, team_abbr",
            (day,)):
        games[game].append(math.floor((minutes or 0) + 0.5))
    for totals in games.values():
        overtime = math.floor((max(totals) - 240) / 25 + 0.5) if max(totals) > 240 else 0
        if min(totals) < TEAM_MINUTES_WARN + 25 * overtime:
            return True
    return False


def context_duplicates(conn: sqlite3.Connection, truth: Truth, picker: DatePicker, plan: Plan) -> Defect:
    """The context processor appended instead of merging: every upcoming_player_game_context row of a date written
    twice (analytics.duplicate_keys; the share of rows with a line, and the players, stay as they were)."""
    (day,) = picker.pick(1, [d for s in plan.seasons for d in truth.dates(s)])
    conn.execute(f"INSERT INTO {CONTEXT} SELECT * FROM {CONTEXT} WHERE game_date = ?", (day.isoformat(),))
    return Defect("context_duplicates", "every upcoming_player_game_context row of the date written twice", [day],
                  {"analytics.duplicate_keys": [day]})


def reversed_prediction_ids(conn: sqlite3.Connection, truth: Truth, picker: DatePicker, plan: Plan) -> Defect:
    """The coordinator keyed one game of a processable date on HOME_AWAY: its predictions carry the reversed id
    (predictions.game_id_orientation), so the date counts one canonical game fewer (predictions.completeness), and
    grading, which finds each player's result in player_game_summary under the prediction's game id, left that game
    ungraded: not owed under a wrong id (grading.completeness), but its system shares fall (grading.per_system when
    the game is a large share of the date)."""
    (day,) = picker.pick(1, [d for s in plan.seasons for d in truth.dates(s, min_games=2)])
    game = picker.rng.choice(sorted(truth.games_on[day], key=lambda g: g.nba_id))
    reversed_id = f"{day:%Y%m%d}_{game.home}_{game.away}"
    conn.execute(f"UPDATE {PREDICTIONS} SET game_id = ? WHERE game_date = ? AND game_id = ?",
                 (reversed_id, day.isoformat(), game.system_id))
    grade(conn, day, day)  # the date graded from these predictions (DELETE + INSERT)
    return Defect("reversed_prediction_ids", f"predictions of {game.system_id} written under {reversed_id}", [day],
                  {"predictions.game_id_orientation": [day], "predictions.completeness": [day],
                   "grading.per_system": _grading_falls_short(conn, day, [reversed_id])})


def reversed_grading_ids(conn: sqlite3.Connection, truth: Truth, picker: DatePicker, plan: Plan) -> Defect:
    """The grading service keyed one game's grades on HOME_AWAY (grading.game_id_orientation): the game's
    predictions look ungraded under their canonical id (grading.completeness, and grading.per_system when the game
    is a large share of the date). A re-grade writes the predictions' ids again."""
    (day,) = picker.pick(1, [d for s in plan.seasons for d in truth.dates(s, min_games=2)])
    game = picker.rng.choice(sorted(truth.games_on[day], key=lambda g: g.nba_id))
    reversed_id = f"{day:%Y%m%d}_{game.home}_{game.away}"
    conn.execute(f"UPDATE {GRADES} SET game_id = ? WHERE game_date = ? AND game_id = ?",
                 (reversed_id, day.isoformat(), game.system_id))
    return Defect("reversed_grading_ids", f"grades of {game.system_id} written under {reversed_id}", [day],
                  {"grading.game_id_orientation": [day], "grading.completeness": [day],
                   "grading.per_system": _grading_falls_short(conn, day, [game.system_id])})


FULL_SLATE_GAMES = 13  # a "full slate": 13 or more games on the date
PREDICTED_ON_SLATE = 26  # the incident: 26 players predicted on a full slate


def slate_mostly_unpredicted(conn: sqlite3.Connection, truth: Truth, picker: DatePicker, plan: Plan) -> Defect:
    """The coordinator predicted 26 players on a full slate: every other player's predictions (both systems) are
    gone, and their grades with them. Every game keeps a player or two, the best-lined gradable ones, so the date
    still counts every game (predictions.completeness passes) and each kept game stays graded. Players without a
    line go unpredicted (predictions.player_reconciliation), and so do most players with one
    (predictions.prop_line_coverage): two rules, two measured facts of the one incident."""
    dates = [d for s in plan.seasons for d in truth.dates(s) if d not in picker.used]
    fullest = min(FULL_SLATE_GAMES, max(truth.expected(d) for d in dates))  # a short sample may have no 13 free
    slates = [d for d in dates if truth.expected(d) >= fullest]
    (day,) = picker.pick(1, slates)
    by_game: dict[str, list[str]] = defaultdict(list)
    for game, player in conn.execute(
            f"SELECT game_id, player_lookup FROM {PREDICTIONS} WHERE game_date = ? AND is_active = 1 "
            "AND line_source = 'ACTUAL_PROP' AND invalidation_reason IS NULL GROUP BY game_id, player_lookup "
            "ORDER BY game_id, MAX(current_points_line) DESC, player_lookup", (day.isoformat(),)):
        by_game[game].append(player)
    # Round-robin over the games (each keeps its best-lined players first) until 26 players are kept.
    kept = [p for rank in range(PREDICTED_ON_SLATE) for g in sorted(by_game) for p in by_game[g][rank:rank + 1]]
    kept = kept[:PREDICTED_ON_SLATE]
    marks = ", ".join("?" * len(kept))
    for name in (PREDICTIONS, GRADES):
        conn.execute(f"DELETE FROM {name} WHERE game_date = ? AND player_lookup NOT IN ({marks})",
                     (day.isoformat(), *kept))
    return Defect("slate_mostly_unpredicted", f"{len(kept)} players predicted on a {truth.expected(day)}-game slate",
                  [day], {"predictions.player_reconciliation": [day], "predictions.prop_line_coverage": [day]})
