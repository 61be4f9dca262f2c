"""The SQL of the simulated Phase 3 processors: every table derived from raw data only (gamebook, schedule,
prop lines), so a re-run of a date writes exactly what the sample builder wrote, apart from processed_at.

Parameters of every statement: ?1 first date, ?2 last date (a direct filter on each partition column).

The box score has only minutes and points, so the other player statistics are modelled from them, the same way
on every run: field-goal attempts ~ 0.33 per point + 0.175 per minute (0-30 a player, 70-100 a team; a row whose
minutes were lost still took its shots, modelled at 20 minutes), usage rate = the player's share of his team's
attempts per minute on the floor (5-40%), plus-minus = the final margin scaled by the player's minutes, with a
bounded per-player spread (-30..30).
"""

from __future__ import annotations

from nbadq.calendar import GAME_TYPES_COUNTED
from nbadq.sample.processors.schedule_view import DEDUPED_SCHEDULE
from nbadq.sample.props import PRIMARY_BOOK

_TYPES = ", ".join(f"'{t}'" for t in GAME_TYPES_COUNTED)
_SCHEDULE = DEDUPED_SCHEDULE.replace("BETWEEN ? AND ?", "BETWEEN ?1 AND ?2")

# "34:30" -> 34.5. A bare number is taken as minutes; anything else becomes NULL rather than a wrong value.
_MINUTES = """
CASE
  WHEN g.player_status <> 'active' OR g.minutes IS NULL THEN NULL
  WHEN instr(g.minutes, ':') > 0 THEN round(
      CAST(substr(g.minutes, 1, instr(g.minutes, ':') - 1) AS INTEGER)
      + CAST(substr(g.minutes, instr(g.minutes, ':') + 1) AS INTEGER) / 60.0, 1)
  WHEN g.minutes GLOB '[0-9]*' THEN round(CAST(g.minutes AS REAL), 1)
END"""

# One row per gamebook row of a counted game type, with the system game id, the opponent and the row's attempts.
# No filter on the schedule's status: the platform's Phase 3 processes the box scores that exist, and a game whose
# latest scrape is stale (stuck live the morning after) still has its gamebook, so a refill keeps its rows.
_BOX = f"""
SELECT g.player_lookup,
       replace(g.game_date, '-', '') || '_' || s.away || '_' || s.home AS game_id,
       g.game_date, g.season_year, g.team_abbr,
       CASE WHEN g.team_abbr = s.home THEN s.away ELSE s.home END AS opponent_team_abbr,
       g.team_abbr = s.home AS home_game,
       g.points, {_MINUTES} AS minutes_played,
       g.player_status <> 'active' AS is_dnp,
       g.player_status IN ('active', 'dnp') AS is_active,
       g.player_status,
       CASE WHEN g.player_status = 'active'
            THEN min(30, CAST(round(0.33 * COALESCE(g.points, 0) + 0.175 * COALESCE({_MINUTES}, 20)) AS INTEGER))
       END AS fg_attempts
FROM nba_raw.nbac_gamebook_player_stats AS g
JOIN ({_SCHEDULE}) AS s ON s.game_id = g.game_id AND s.game_date = g.game_date
WHERE g.game_date BETWEEN ?1 AND ?2 AND substr(g.game_id, 3, 1) IN ({_TYPES})"""

# The box rows with their team's and game's totals.
_TEAM_TOTALS = f"""
SELECT b.*,
       SUM(points) OVER (PARTITION BY game_id, team_abbr) AS team_points,
       SUM(points) OVER (PARTITION BY game_id) AS game_points,
       SUM(fg_attempts) OVER (PARTITION BY game_id, team_abbr) AS team_attempts,
       SUM(minutes_played) OVER (PARTITION BY game_id, team_abbr) AS team_minutes
FROM ({_BOX}) AS b"""

SUMMARY_SQL = f"""
SELECT player_lookup, game_id, game_date, season_year, team_abbr, opponent_team_abbr, points, minutes_played,
       is_dnp, is_active, player_status,
       CASE WHEN minutes_played > 0 AND team_attempts > 0 THEN max(5.0, min(40.0, round(
           100.0 * fg_attempts * (team_minutes / 5.0) / (minutes_played * team_attempts), 1))) END AS usage_rate,
       CASE WHEN minutes_played IS NOT NULL THEN max(-30, min(30, CAST(round(
           (2 * team_points - game_points) * minutes_played / 48.0) AS INTEGER)
           + (COALESCE(points, 0) * 7 + CAST(minutes_played AS INTEGER) * 13) % 9 - 4)) END AS plus_minus,
       fg_attempts
FROM ({_TEAM_TOTALS})
ORDER BY game_date, game_id, team_abbr, player_lookup"""

TEAM_OFFENSE_SQL = f"""
SELECT game_id, game_date, MAX(season_year) AS season_year, team_abbr, MAX(opponent_team_abbr) AS opponent_team_abbr,
       SUM(points) AS points_scored, SUM(fg_attempts) AS fg_attempts, MAX(home_game) AS home_game
FROM ({_BOX})
GROUP BY game_id, game_date, team_abbr
ORDER BY game_date, game_id, team_abbr"""

# A team's defense allowed what its opponent scored.
TEAM_DEFENSE_SQL = f"""
SELECT game_id, game_date, MAX(season_year) AS season_year, opponent_team_abbr AS defending_team_abbr,
       team_abbr AS opponent_team_abbr, SUM(points) AS points_allowed
FROM ({_BOX})
GROUP BY game_id, game_date, team_abbr
ORDER BY game_date, game_id, defending_team_abbr"""

# Players expected to play (dressed, or ruled out only after their line opened), with the primary book's line.
CONTEXT_SQL = f"""
SELECT b.player_lookup, b.game_id, b.game_date, b.team_abbr, b.opponent_team_abbr,
       l.points_line IS NOT NULL AS has_prop_line, l.points_line AS current_points_line
FROM ({_BOX}) AS b
LEFT JOIN (
  SELECT game_date, player_lookup, MAX(points_line) AS points_line
  FROM nba_raw.bettingpros_player_points_props
  WHERE game_date BETWEEN ?1 AND ?2 AND bookmaker = '{PRIMARY_BOOK}' AND bet_side = 'over' AND is_active = 1
  GROUP BY game_date, player_lookup) AS l
  ON l.game_date = b.game_date AND l.player_lookup = b.player_lookup
WHERE b.player_status <> 'inactive' OR l.points_line IS NOT NULL
ORDER BY b.game_date, b.game_id, b.team_abbr, b.player_lookup"""
