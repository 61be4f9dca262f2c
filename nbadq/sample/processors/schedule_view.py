"""The schedule as processors see it: deduplicated scrapes, counted games, and the season opener."""

from __future__ import annotations

import datetime as dt
import sqlite3

from nbadq.calendar import FINAL_STATUS, GAME_TYPES_COUNTED, LIVE_STATUS, OPENERS, season_year_of
from nbadq.clock import STUCK_AFTER

_TYPES = ", ".join(f"'{t}'" for t in GAME_TYPES_COUNTED)

# One row per (game_id, game_date): the latest scrape wins (the schedule table is append-only).
# Parameters: first date, last date (a direct filter on the partition column, as BigQuery requires).
DEDUPED_SCHEDULE = f"""
SELECT game_id, game_date, game_status, home_team_tricode AS home, away_team_tricode AS away, processed_at,
       game_date_est
FROM (
  SELECT game_id, game_date, game_status, home_team_tricode, away_team_tricode, processed_at, game_date_est,
         ROW_NUMBER() OVER (PARTITION BY game_id, game_date ORDER BY processed_at DESC) AS scrape_rank
  FROM nba_raw.nbac_schedule
  WHERE game_date BETWEEN ? AND ?
)
WHERE scrape_rank = 1"""

# Counted games, as the calendar counts them (nbadq.game_dates, E(d)): regular-season, playoff and play-in games
# (type digit = 3rd character of the id) that are final, or stuck live: still live on their latest scrape more than
# 6 h after tip-off. Such a game was played (its gamebook exists), only its status is stale, so it must not lower
# the games the Phase 4 and Phase 5 processors see. strftime('%s') reads the ISO offset, as UNIX_SECONDS does.
COUNTED_GAMES = f"""
SELECT * FROM ({DEDUPED_SCHEDULE})
WHERE (game_status = {FINAL_STATUS} OR (game_status = {LIVE_STATUS}
    AND CAST(strftime('%s', processed_at) AS INTEGER) - CAST(strftime('%s', game_date_est) AS INTEGER)
        > {int(STUCK_AFTER.total_seconds())}))
  AND substr(game_id, 3, 1) IN ({_TYPES})"""


def season_bounds(season_year: int) -> tuple[dt.date, dt.date]:
    """Dates from July on belong to the season starting that year."""
    return dt.date(season_year, 7, 1), dt.date(season_year + 1, 6, 30)


# The first final regular-season game of a date range, after deduplication: a final row with no later scrape of
# the same (game_id, game_date). Walks the date index from the start and stops at the first hit.
OPENER_SQL = f"""
SELECT s.game_date FROM nba_raw.nbac_schedule AS s
WHERE s.game_date BETWEEN ? AND ? AND substr(s.game_id, 3, 1) = '2' AND s.game_status = {FINAL_STATUS}
  AND NOT EXISTS (SELECT 1 FROM nba_raw.nbac_schedule AS later
                  WHERE later.game_id = s.game_id AND later.game_date = s.game_date
                    AND later.processed_at > s.processed_at)
ORDER BY s.game_date LIMIT 1"""


def season_opener(conn: sqlite3.Connection, season_year: int) -> dt.date | None:
    """Earliest final regular-season game of the season in the deduplicated schedule, else the contract's opener."""
    first, last = season_bounds(season_year)
    row = conn.execute(OPENER_SQL, (first.isoformat(), last.isoformat())).fetchone()
    if row:
        return dt.date.fromisoformat(row[0])
    return OPENERS.get(season_year)


def counted_games_on(conn: sqlite3.Connection, day: dt.date) -> int:
    iso = day.isoformat()
    return conn.execute(f"SELECT COUNT(*) FROM ({COUNTED_GAMES})", (iso, iso)).fetchone()[0]


def opener_for(conn: sqlite3.Connection, day: dt.date) -> dt.date | None:
    return season_opener(conn, season_year_of(day))
