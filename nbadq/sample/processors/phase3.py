"""Phase 3 (analytics), as the platform's processors: player_game_summary, the two team summaries and the
upcoming player context, from raw data (the SQL is in phase3_sql.py).

player_game_summary per row: minutes "MM:SS" -> NUMERIC minutes with one decimal (NULL when the player did not
play), is_dnp / is_active from the gamebook status, the opponent from the deduplicated schedule, the system game
id `YYYYMMDD_AWAY_HOME`, and the modelled attempts, usage rate and plus-minus. The team tables hold one row per
team and game; the context one row per player expected to play, with the line he had. Preseason and All-Star
games are not processed. Every write is a MERGE on the table's key.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import uuid
from typing import Any, Sequence

from nbadq.sample.processors.phase3_sql import CONTEXT_SQL, SUMMARY_SQL, TEAM_DEFENSE_SQL, TEAM_OFFENSE_SQL
from nbadq.sample.processors.writes import iso_timestamp, record_run, utc_now
from nbadq.warehouse.local import transaction
from nbadq.schema import Table, table

PHASE3_PROCESSORS: tuple[str, ...] = (
    "PlayerGameSummaryProcessor",
    "TeamOffenseGameSummaryProcessor",
    "TeamDefenseGameSummaryProcessor",
    "UpcomingPlayerGameContextProcessor",
    "UpcomingTeamGameContextProcessor",
)
PLAYER_GAME_SUMMARY = table("nba_analytics.player_game_summary")

# processed_at when the caller gives none: what the nightly runs would have written. The game summaries run the
# morning after the games; the context runs on game day, after the morning's lines and before tip-off.
MORNING_AFTER = "date(game_date, '+1 day') || 'T08:00:00+00:00'"
BEFORE_TIPOFF = "game_date || 'T10:00:00+00:00'"


class Output:
    """What one simulated Phase 3 processor writes: its table, the SQL computing the rows, its default stamp."""

    def __init__(self, qualified: str, sql: str, stamp: str) -> None:
        self.table, self.sql, self.stamp = table(qualified), sql, stamp


# UpcomingTeamGameContextProcessor writes no table of the contract: it reports success and writes nothing.
OUTPUTS: dict[str, Output] = {
    "PlayerGameSummaryProcessor": Output("nba_analytics.player_game_summary", SUMMARY_SQL, MORNING_AFTER),
    "TeamOffenseGameSummaryProcessor": Output("nba_analytics.team_offense_game_summary", TEAM_OFFENSE_SQL,
                                              MORNING_AFTER),
    "TeamDefenseGameSummaryProcessor": Output("nba_analytics.team_defense_game_summary", TEAM_DEFENSE_SQL,
                                              MORNING_AFTER),
    "UpcomingPlayerGameContextProcessor": Output("nba_analytics.upcoming_player_game_context", CONTEXT_SQL,
                                                 BEFORE_TIPOFF),
}


def merge_output(conn: sqlite3.Connection, output: Output, start: dt.date, end: dt.date,
                 processed_at: str | None = None, fresh: bool = False) -> dict[str, int]:
    """Compute and MERGE one processor's table for [start, end] in SQL; rows written per ISO date.

    The rows are staged once in a temporary table named for this call, then every key they hold is deleted
    from the target and the staged rows inserted (`fresh` skips the delete on a table known to be empty).
    """
    target: Table = output.table
    stage = f"temp.phase3_{uuid.uuid4().hex}"
    bounds = (start.isoformat(), end.isoformat())
    stamp = "?3" if processed_at else output.stamp
    conn.execute(f"CREATE TABLE {stage} AS SELECT *, {stamp} AS processed_at FROM ({output.sql})",
                 bounds + ((processed_at,) if processed_at else ()))
    try:
        if not fresh:
            keys = ", ".join(target.key)
            conn.execute(f"DELETE FROM {target.qualified} WHERE {target.date_column} BETWEEN ? AND ? "
                         f"AND ({keys}) IN (SELECT {keys} FROM {stage})", bounds)
        columns = ", ".join(target.column_names)
        conn.execute(f"INSERT INTO {target.qualified} ({columns}) SELECT {columns} FROM {stage}")
        return dict(conn.execute(f"SELECT {target.date_column}, COUNT(*) FROM {stage} GROUP BY 1"))
    finally:
        conn.execute(f"DROP TABLE {stage}")


def merge_player_game_summary(conn: sqlite3.Connection, start: dt.date, end: dt.date,
                              processed_at: str | None = None, fresh: bool = False) -> dict[str, int]:
    return merge_output(conn, OUTPUTS["PlayerGameSummaryProcessor"], start, end, processed_at, fresh)


def merge_phase3(conn: sqlite3.Connection, start: dt.date, end: dt.date, fresh: bool = False) -> None:
    """Every Phase 3 table for [start, end] with the nightly runs' stamps (the sample builder's run)."""
    for output in OUTPUTS.values():
        merge_output(conn, output, start, end, fresh=fresh)


def run_phase3(conn: sqlite3.Connection, start: dt.date, end: dt.date, processors: Sequence[str],
               now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """What POST /process-date-range does: run the requested Phase 3 processors (empty = all) over the range.

    Unknown names are ignored, as the real service does. Each processor with a table records one run (a
    'running' and a final row) per date it wrote rows for, with records_processed = rows written.
    """
    wanted = [p for p in PHASE3_PROCESSORS if not processors or p in processors]
    now = now or utc_now()
    results = []
    for name in wanted:
        if name in OUTPUTS:
            _run_one(conn, name, start, end, now)
        results.append({"processor": name, "status": "success", "stats": {}})
    return results


def _run_one(conn: sqlite3.Connection, name: str, start: dt.date, end: dt.date, now: dt.datetime) -> None:
    with transaction(conn):
        written = merge_output(conn, OUTPUTS[name], start, end, iso_timestamp(now))
        for day, count in sorted(written.items()):
            record_run(conn, name, dt.date.fromisoformat(day), "phase3", "success", count,
                       started=now, finished=now)
