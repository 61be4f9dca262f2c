"""Phase 3 (analytics): player_game_summary from the raw gamebook, as the platform's PlayerGameSummaryProcessor.

Per row: minutes "MM:SS" -> NUMERIC minutes with one decimal (NULL when the player did not play), is_dnp /
is_active from the gamebook status, the opponent from the deduplicated schedule, and the system game id
`YYYYMMDD_AWAY_HOME`. Preseason and All-Star games are not processed.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import uuid
from typing import Any, Sequence

from nbadq.calendar import GAME_TYPES_COUNTED
from nbadq.sample.processors.schedule_view import DEDUPED_SCHEDULE
from nbadq.sample.processors.writes import iso_timestamp, record_run, utc_now
from nbadq.warehouse.local import transaction
from nbadq.schema import table

PHASE3_PROCESSORS: tuple[str, ...] = (
    "PlayerGameSummaryProcessor",
    "TeamOffenseGameSummaryProcessor",
    "TeamDefenseGameSummaryProcessor",
    "UpcomingPlayerGameContextProcessor",
    "UpcomingTeamGameContextProcessor",
)
SIMULATED = "PlayerGameSummaryProcessor"  # the only Phase 3 table in the contract; the others report success
PLAYER_GAME_SUMMARY = table("nba_analytics.player_game_summary")

_TYPES = ", ".join(f"'{t}'" for t in GAME_TYPES_COUNTED)

# "34:30" -> 34.5. A bare number is taken as minutes; anything else becomes NULL rather than a wrong value.
_MINUTES = """
CASE
  WHEN g.player_status <> 'active' OR g.minutes IS NULL THEN NULL
  WHEN instr(g.minutes, ':') > 0 THEN round(
      CAST(substr(g.minutes, 1, instr(g.minutes, ':') - 1) AS INTEGER)
      + CAST(substr(g.minutes, instr(g.minutes, ':') + 1) AS INTEGER) / 60.0, 1)
  WHEN g.minutes GLOB '[0-9]*' THEN round(CAST(g.minutes AS REAL), 1)
END"""

SUMMARY_SQL = f"""
SELECT g.player_lookup,
       replace(g.game_date, '-', '') || '_' || s.away || '_' || s.home AS game_id,
       g.game_date, g.season_year, g.team_abbr,
       CASE WHEN g.team_abbr = s.home THEN s.away ELSE s.home END AS opponent_team_abbr,
       g.points, {_MINUTES} AS minutes_played,
       g.player_status <> 'active' AS is_dnp,
       g.player_status IN ('active', 'dnp') AS is_active,
       g.player_status
FROM nba_raw.nbac_gamebook_player_stats AS g
JOIN ({DEDUPED_SCHEDULE}) AS s ON s.game_id = g.game_id AND s.game_date = g.game_date
WHERE g.game_date BETWEEN ? AND ? AND substr(g.game_id, 3, 1) IN ({_TYPES})
ORDER BY g.game_date, g.game_id, g.team_abbr, g.player_lookup"""


# processed_at when the caller gives none: the morning after the game, as the nightly run would have written it.
MORNING_AFTER = "date(game_date, '+1 day') || 'T08:00:00+00:00'"
_COLUMNS = ", ".join(PLAYER_GAME_SUMMARY.column_names)


def merge_player_game_summary(conn: sqlite3.Connection, start: dt.date, end: dt.date,
                              processed_at: str | None = None, fresh: bool = False) -> dict[str, int]:
    """Compute and MERGE player_game_summary for [start, end] in SQL; rows written per ISO date.

    The rows are staged once in a temporary table named for this call, then every key they hold is deleted
    from the target and the staged rows inserted (`fresh` skips the delete on a table known to be empty).
    """
    stage = f"temp.phase3_{uuid.uuid4().hex}"
    bounds = (start.isoformat(), end.isoformat())
    stamp = "?" if processed_at else MORNING_AFTER
    conn.execute(f"CREATE TABLE {stage} AS SELECT *, {stamp} AS processed_at FROM ({SUMMARY_SQL})",
                 ((processed_at,) if processed_at else ()) + bounds + bounds)
    try:
        if not fresh:
            conn.execute(f"DELETE FROM {PLAYER_GAME_SUMMARY.qualified} WHERE game_date BETWEEN ? AND ? "
                         f"AND (game_id, player_lookup) IN (SELECT game_id, player_lookup FROM {stage})", bounds)
        conn.execute(f"INSERT INTO {PLAYER_GAME_SUMMARY.qualified} ({_COLUMNS}) SELECT {_COLUMNS} FROM {stage}")
        return dict(conn.execute(f"SELECT game_date, COUNT(*) FROM {stage} GROUP BY game_date"))
    finally:
        conn.execute(f"DROP TABLE {stage}")


def run_phase3(conn: sqlite3.Connection, start: dt.date, end: dt.date, processors: Sequence[str],
               now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """What POST /process-date-range does: run the requested Phase 3 processors (empty = all) over the range.

    Unknown names are ignored, as the real service does. Only PlayerGameSummaryProcessor writes; it records one
    run (a 'running' and a final row) per date that had gamebook rows, with records_processed = rows written.
    """
    wanted = [p for p in PHASE3_PROCESSORS if not processors or p in processors]
    results = []
    for name in wanted:
        if name == SIMULATED:
            _run_player_game_summary(conn, start, end, now or utc_now())
        results.append({"processor": name, "status": "success", "stats": {}})
    return results


def _run_player_game_summary(conn: sqlite3.Connection, start: dt.date, end: dt.date, now: dt.datetime) -> None:
    with transaction(conn):
        written = merge_player_game_summary(conn, start, end, iso_timestamp(now))
        for day, count in sorted(written.items()):
            record_run(conn, SIMULATED, dt.date.fromisoformat(day), "phase3", "success", count,
                       started=now, finished=now)
