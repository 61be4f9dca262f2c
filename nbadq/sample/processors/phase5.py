"""Phase 5 (predictions and grading), as the coordinator's workers and the grading service write them.

Predictions of a date: every player of the date's upcoming_player_game_context (the players expected to play)
is predicted by each system of the sample (nbadq.sample.predictions.SYSTEMS), against the primary book's line
read from the raw props table at prediction time (not the context's copy, which may predate the lines), or an
estimated line when no book offered one. A line the book pulled (a late scratch) makes the prediction
'player_inactive', never graded. The expected points are the player's Phase 4 inputs (last-10 average plus the
composite adjustment); the noise is seeded per (date, player, system), so a re-run predicts the same values.

The write is the platform's MERGE: a prediction matching an existing row of the date on (player, game, system,
line) updates that row in place (created_at = now, active again); a new line inserts a row and the older rows of
that business key are deactivated, so the key stays unique among active rows. Deactivating every earlier row
instead would leave half of a re-predicted date's real-line predictions inactive: the per-system incident.

Grading is the sample's own DELETE + INSERT (nbadq.sample.grading.grade), stamped now.
"""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
import uuid
from typing import Any

from nbadq.sample.grading import grade
from nbadq.sample.predictions import SYSTEMS, _against_line  # the sample's own verdict against a line
from nbadq.sample.processors.schedule_view import counted_games_on
from nbadq.sample.processors.writes import iso_timestamp, utc_now
from nbadq.sample.props import PRIMARY_BOOK, Line
from nbadq.warehouse.local import insert_rows, transaction
from nbadq.schema import table

PREDICTIONS = table("nba_predictions.player_prop_predictions")
NO_HISTORY_POINTS = 5.0  # expected points of a player with neither Phase 4 history nor a line (deep bench)
SPREAD = 2.5  # the systems' error around the expected points, as in the sample

CONTEXT = "nba_analytics.upcoming_player_game_context"
# The date's players with their game, line (primary book, over side: what the context reads), whether the book
# pulled it, and their Phase 4 inputs. Duplicated rows upstream collapse (MAX per player).
INPUTS_SQL = f"""
SELECT c.player_lookup, c.game_id, l.points_line, COALESCE(l.pulled, 0), d.points_avg, f.adjustment
FROM (SELECT player_lookup, MAX(game_id) AS game_id FROM {CONTEXT} WHERE game_date = ?1
      GROUP BY player_lookup) AS c
LEFT JOIN (SELECT player_lookup, MAX(CASE WHEN is_active = 1 THEN points_line END) AS points_line,
                  MAX(is_active = 0) AS pulled
           FROM nba_raw.bettingpros_player_points_props
           WHERE game_date = ?1 AND bookmaker = '{PRIMARY_BOOK}' AND bet_side = 'over'
           GROUP BY player_lookup) AS l ON l.player_lookup = c.player_lookup
LEFT JOIN (SELECT player_lookup, MAX(points_avg_last_10) AS points_avg FROM nba_precompute.player_daily_cache
           WHERE cache_date = ?1 GROUP BY player_lookup) AS d ON d.player_lookup = c.player_lookup
LEFT JOIN (SELECT player_lookup, MAX(total_composite_adjustment) AS adjustment
           FROM nba_precompute.player_composite_factors WHERE game_date = ?1
           GROUP BY player_lookup) AS f ON f.player_lookup = c.player_lookup
ORDER BY c.game_id, c.player_lookup"""

# Games of the date the models have inputs for: a context row, and a feature-store row for one of its players.
COVERED_SQL = f"""
SELECT COUNT(DISTINCT c.game_id),
       COUNT(DISTINCT CASE WHEN f.player_lookup IS NOT NULL THEN c.game_id END)
FROM {CONTEXT} AS c
LEFT JOIN (SELECT DISTINCT player_lookup FROM nba_predictions.ml_feature_store_v2 WHERE game_date = ?1) AS f
  ON f.player_lookup = c.player_lookup
WHERE c.game_date = ?1"""


def completeness(conn: sqlite3.Connection, day: dt.date) -> dict[str, Any]:
    """What the coordinator's completeness gate sees for `day`: counted games, and how many of them have the
    context (who plays) and feature-store rows (the models' inputs). Complete when both cover every game."""
    games = counted_games_on(conn, day)
    with_context, with_features = conn.execute(COVERED_SQL, (day.isoformat(),)).fetchone()
    return {"game_date": day.isoformat(), "games": games, "games_with_context": with_context,
            "games_with_features": with_features,
            "complete": with_context >= games and with_features >= games}


def eligible_players(conn: sqlite3.Connection, day: dt.date) -> int:
    return conn.execute(f"SELECT COUNT(DISTINCT player_lookup) FROM {CONTEXT} WHERE game_date = ?",
                        (day.isoformat(),)).fetchone()[0]


def predict_date(conn: sqlite3.Connection, day: dt.date, now: dt.datetime | None = None) -> int:
    """Predict every eligible player of `day` in every system and MERGE the rows; returns rows written."""
    stamp = iso_timestamp(now or utc_now())
    rows = [_prediction(day, inputs, system, bias, stamp)
            for inputs in conn.execute(INPUTS_SQL, (day.isoformat(),)).fetchall()
            for system, bias in SYSTEMS.items()]
    with transaction(conn):
        return _merge(conn, day, rows)


def _prediction(day: dt.date, inputs: tuple, system: str, bias: float, stamp: str) -> dict[str, Any]:
    player, game_id, points_line, pulled, points_avg, adjustment = inputs
    line = Line(player, points_line, bool(pulled)) if points_line is not None else None
    if points_avg is not None:
        expected = points_avg + (adjustment or 0.0)
    else:  # no rolling window yet: books set lines near what the player is expected to score
        expected = points_line if points_line is not None else NO_HISTORY_POINTS
    rng = random.Random(f"nbadq-predict:{day}:{player}:{system}")
    predicted = round(max(0.5, rng.gauss(expected * bias, SPREAD)), 1)
    return {"player_lookup": player, "game_id": game_id, "game_date": day.isoformat(), "system_id": system,
            "predicted_points": predicted, "is_active": 1, "created_at": stamp,
            **_against_line(predicted, line, max(expected, 0.0))}


def _merge(conn: sqlite3.Connection, day: dt.date, rows: list[dict[str, Any]]) -> int:
    existing: dict[tuple, str] = {}
    for pid, *key in conn.execute(
            "SELECT prediction_id, player_lookup, game_id, system_id, current_points_line FROM "
            f"{PREDICTIONS.qualified} WHERE game_date = ? ORDER BY is_active DESC, created_at DESC, prediction_id",
            (day.isoformat(),)):
        existing.setdefault(tuple(key), pid)  # the active, newest row of each (player, game, system, line)
    fresh, kept = [], []
    for row in rows:
        pid = existing.get((row["player_lookup"], row["game_id"], row["system_id"], row["current_points_line"]))
        if pid is None:
            fresh.append({**row, "prediction_id": f"pred-{day}-{uuid.uuid4().hex[:12]}"})
        else:
            kept.append({**row, "prediction_id": pid})
    conn.executemany(f"UPDATE {PREDICTIONS.qualified} SET predicted_points = :predicted_points, is_active = 1, "
                     "created_at = :created_at, line_source = :line_source, recommendation = :recommendation, "
                     "invalidation_reason = :invalidation_reason WHERE prediction_id = :prediction_id", kept)
    insert_rows(conn, PREDICTIONS, fresh)
    # One active row per business key: the one just written.
    conn.executemany(f"UPDATE {PREDICTIONS.qualified} SET is_active = 0 WHERE game_date = ? AND player_lookup = ? "
                     "AND game_id = ? AND system_id = ? AND prediction_id <> ? AND is_active = 1",
                     [(r["game_date"], r["player_lookup"], r["game_id"], r["system_id"], r["prediction_id"])
                      for r in kept + fresh])
    return len(kept) + len(fresh)


def grade_date(conn: sqlite3.Connection, day: dt.date, now: dt.datetime | None = None) -> int:
    """The grading service's DELETE + INSERT of `day`, stamped now; returns the rows graded."""
    with transaction(conn):
        return grade(conn, day, day, graded_at=iso_timestamp(now or utc_now()))
