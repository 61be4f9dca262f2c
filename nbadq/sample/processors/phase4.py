"""Phase 4 (precompute), as POST /process-date runs it: the five processors for one analysis date.

Every outcome the real service reports as "success" is reproduced, including the silent ones: a day without
games, a bootstrap day (season days 0-13, opener derived from the schedule as the validation does) and a day
whose analytics are missing all succeed with nothing (or only placeholders) written. Only the tables and
processor_run_history.records_processed tell what happened.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import defaultdict
from typing import Any, Callable, Sequence

from nbadq.calendar import BOOTSTRAP_DAYS
from nbadq.sample.processors.phase4_metrics import PlayerDay, TeamDay, player_days, team_days
from nbadq.sample.processors.phase4_rows import OUTPUT_TABLES, SKIPPED_IN_BOOTSTRAP, output_rows
from nbadq.sample.processors.schedule_view import counted_games_on, opener_for
from nbadq.sample.processors.writes import iso_timestamp, merge_rows, record_run, utc_now
from nbadq.warehouse.local import transaction
from nbadq.schema import PHASE4_PROCESSORS


def is_bootstrap_day(day: dt.date, opener: dt.date | None) -> bool:
    return opener is not None and 0 <= (day - opener).days < BOOTSTRAP_DAYS


def history_start(day: dt.date, opener: dt.date | None) -> dt.date:
    """Windows start at the season's opener (or 1 July, before any opener is known)."""
    if opener is not None and opener <= day:
        return opener
    return dt.date(day.year if day.month >= 7 else day.year - 1, 7, 1)


def requested(processors: Sequence[str]) -> list[str]:
    """Known processors in the contract's order; empty means all five; unknown names are ignored."""
    return [p for p in PHASE4_PROCESSORS if not processors or p in processors]


def skip_reason(processor: str, games: int, bootstrap: bool, written: int) -> str | None:
    """Why a successful run wrote nothing (None when it wrote rows)."""
    if games == 0:
        return "no_games"
    if written:
        return None
    return "early_season" if bootstrap and processor in SKIPPED_IN_BOOTSTRAP else "no_data"


def run_phase4(conn: sqlite3.Connection, day: dt.date, processors: Sequence[str], backfill_mode: bool = True,
               now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Run the requested Phase 4 processors for `day`; the service's `results` entries, in run order.

    `backfill_mode` is accepted for parity with the service; the simulation computes the same either way.
    """
    wanted = requested(processors)
    if not wanted:
        return []
    now = now or utc_now()
    games = counted_games_on(conn, day)
    opener = opener_for(conn, day)
    bootstrap = is_bootstrap_day(day, opener)
    players: list[PlayerDay] = []
    teams: list[TeamDay] = []
    if games:
        start = history_start(day, opener)
        players, teams = player_days(conn, day, day, start), team_days(conn, day, day, start)
    results = []
    with transaction(conn):
        for name in wanted:
            results.append(_run_one(conn, name, day, games, bootstrap, players, teams, now))
    return results


def _run_one(conn: sqlite3.Connection, name: str, day: dt.date, games: int, bootstrap: bool,
             players: list[PlayerDay], teams: list[TeamDay], now: dt.datetime) -> dict[str, Any]:
    try:
        rows = output_rows(name, teams, players, bootstrap, iso_timestamp(now)) if games else []
        written = merge_rows(conn, OUTPUT_TABLES[name], rows)
    except sqlite3.Error as exc:
        record_run(conn, name, day, "phase4", "failed", 0, started=now, finished=now, skip_reason=None)
        return {"processor": name, "status": "exception", "error": f"{type(exc).__name__}: {exc}"}
    record_run(conn, name, day, "phase4", "success", written, started=now, finished=now,
               skip_reason=skip_reason(name, games, bootstrap, written))
    return {"processor": name, "status": "success", "stats": {}}


def season_output_rows(conn: sqlite3.Connection, first: dt.date, last: dt.date, opener: dt.date,
                       stamp: Callable[[str], str]) -> dict[str, list[dict[str, Any]]]:
    """Every Phase 4 row for [first, last] of one season in four statements: the sample builder's set-based run.

    Produces exactly what run_phase4 would write date by date (same metrics SQL, same row builders).
    """
    by_date_players: dict[str, list[PlayerDay]] = defaultdict(list)
    by_date_teams: dict[str, list[TeamDay]] = defaultdict(list)
    for p in player_days(conn, first, last, opener):
        by_date_players[p.game_date].append(p)
    for t in team_days(conn, first, last, opener):
        by_date_teams[t.game_date].append(t)
    out: dict[str, list[dict[str, Any]]] = {name: [] for name in PHASE4_PROCESSORS}
    for iso in sorted(set(by_date_players) | set(by_date_teams)):
        bootstrap, at = is_bootstrap_day(dt.date.fromisoformat(iso), opener), stamp(iso)
        for name in PHASE4_PROCESSORS:
            out[name].extend(output_rows(name, by_date_teams[iso], by_date_players[iso], bootstrap, at))
    return out
