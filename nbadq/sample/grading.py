"""Grading: each gradable prediction joined to the player's actual line in player_game_summary.

Gradable (contract, section 1): active, predicted against a real line (line_source = 'ACTUAL_PROP') and not
invalidated; NO_LINE / estimated-line and invalidated predictions are never graded. The platform grades a date
with DELETE + INSERT. A prediction whose game has no analytics rows stays ungraded (that is how missing analytics
shows up as missing grading); a player who did not play is graded as voided, with no verdict. Duplicated keys on
either side are collapsed so one bad table cannot duplicate the grades.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

GRADE_SQL = """
INSERT INTO nba_predictions.prediction_accuracy
  (player_lookup, game_id, game_date, system_id, actual_points, minutes_played, is_voided, graded_at,
   line_source, has_prop_line, prediction_correct)
SELECT p.player_lookup, p.game_id, p.game_date, p.system_id, MAX(a.points), MAX(a.minutes_played),
       MAX(a.is_dnp), COALESCE(?3, date(p.game_date, '+1 day') || 'T11:00:00+00:00'), 'ACTUAL_PROP', 1,
       CASE WHEN MAX(a.is_dnp) = 1 THEN NULL
            WHEN MAX(p.recommendation) = 'OVER' THEN MAX(a.points) > MAX(p.current_points_line)
            WHEN MAX(p.recommendation) = 'UNDER' THEN MAX(a.points) < MAX(p.current_points_line)
       END
FROM (SELECT DISTINCT player_lookup, game_id, game_date, system_id, recommendation, current_points_line
      FROM nba_predictions.player_prop_predictions
      WHERE game_date BETWEEN ?1 AND ?2 AND is_active = 1 AND line_source = 'ACTUAL_PROP'
        AND invalidation_reason IS NULL) AS p
JOIN nba_analytics.player_game_summary AS a
  ON a.game_id = p.game_id AND a.player_lookup = p.player_lookup AND a.game_date = p.game_date
GROUP BY p.player_lookup, p.game_id, p.game_date, p.system_id
ORDER BY p.game_date, p.game_id, p.player_lookup, p.system_id"""


def grade(conn: sqlite3.Connection, first: dt.date, last: dt.date, graded_at: str | None = None) -> int:
    """DELETE + INSERT the grades of [first, last]; graded_at defaults to the morning after each game (11:00,
    after that date's predictions)."""
    bounds = (first.isoformat(), last.isoformat())
    conn.execute("DELETE FROM nba_predictions.prediction_accuracy WHERE game_date BETWEEN ? AND ?", bounds)
    return conn.execute(GRADE_SQL, (*bounds, graded_at)).rowcount
