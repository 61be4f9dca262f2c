"""Grading: each active prediction joined to the player's actual line in player_game_summary.

The platform grades a date with DELETE + INSERT. A prediction whose game has no analytics rows stays ungraded
(that is how missing analytics shows up as missing grading); a player who did not play is graded as voided.
Duplicated keys on either side are collapsed so one bad table cannot duplicate the grades.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

GRADE_SQL = """
INSERT INTO nba_predictions.prediction_accuracy
  (player_lookup, game_id, game_date, system_id, actual_points, minutes_played, is_voided, graded_at)
SELECT p.player_lookup, p.game_id, p.game_date, p.system_id, MAX(a.points), MAX(a.minutes_played),
       MAX(a.is_dnp), COALESCE(?3, date(p.game_date, '+1 day') || 'T11:00:00+00:00')
FROM (SELECT DISTINCT player_lookup, game_id, game_date, system_id
      FROM nba_predictions.player_prop_predictions
      WHERE game_date BETWEEN ?1 AND ?2 AND is_active = 1) AS p
JOIN nba_analytics.player_game_summary AS a
  ON a.game_id = p.game_id AND a.player_lookup = p.player_lookup AND a.game_date = p.game_date
GROUP BY p.player_lookup, p.game_id, p.game_date, p.system_id
ORDER BY p.game_date, p.game_id, p.player_lookup, p.system_id"""


def grade(conn: sqlite3.Connection, first: dt.date, last: dt.date, graded_at: str | None = None) -> int:
    """DELETE + INSERT the grades of [first, last]; graded_at defaults to the morning after each game."""
    bounds = (first.isoformat(), last.isoformat())
    conn.execute("DELETE FROM nba_predictions.prediction_accuracy WHERE game_date BETWEEN ? AND ?", bounds)
    return conn.execute(GRADE_SQL, (*bounds, graded_at)).rowcount
