"""processor_run_history for the sample: what the platform's own runs recorded, date by date.

Phase 3 ran once per game date (the context on game day, the game summaries the morning after); Phase 4 ran
every day of the season, so days without games and bootstrap days hold honest zero-record successes (the traps
a false-zero rule must not fall into). records_processed is read back from the tables, so it is true unless a
defect says otherwise; about 1% of runs failed once and were retried.
"""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
from typing import Any

from nbadq.sample.processors.phase3 import BEFORE_TIPOFF, OUTPUTS as PHASE3_OUTPUTS
from nbadq.sample.processors.phase4 import skip_reason
from nbadq.sample.processors.phase4_rows import OUTPUT_TABLES
from nbadq.sample.processors.writes import run_history_rows
from nbadq.sample.truth import Truth
from nbadq.schema import PHASE4_PROCESSORS

RETRY_SHARE = 0.01


def _counts(conn: sqlite3.Connection, qualified: str, column: str) -> dict[str, int]:
    return dict(conn.execute(f"SELECT {column}, COUNT(*) FROM {qualified} GROUP BY {column}"))


def _at(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(hour, minute))


class _Runs:
    def __init__(self, rng: random.Random) -> None:
        self.rng, self.rows = rng, []

    def add(self, name: str, day: dt.date, phase: str, status: str, records: int, start: dt.datetime,
            reason: str | None = None) -> None:
        if status == "success" and self.rng.random() < RETRY_SHARE:
            self._add(name, day, phase, "failed", 0, start - dt.timedelta(minutes=20), None)
        self._add(name, day, phase, status, records, start, reason)

    def _add(self, name: str, day: dt.date, phase: str, status: str, records: int, start: dt.datetime,
             reason: str | None) -> None:
        run_id = f"{self.rng.getrandbits(64):016x}"
        self.rows += run_history_rows(name, day, phase, status, records, start,
                                      start + dt.timedelta(seconds=30 + self.rng.randrange(60)), reason, run_id)


def sample_run_history(conn: sqlite3.Connection, truth: Truth, absent: dict[dt.date, tuple[str, ...]],
                       failed: dict[dt.date, tuple[str, ...]], rng: random.Random) -> list[dict[str, Any]]:
    """Run rows for every season day. `absent`: Phase 4 processors that never ran on a date; `failed`: ones
    whose run failed there."""
    runs = _Runs(rng)
    analytics = _counts(conn, "nba_analytics.player_game_summary", "game_date")
    for day in truth.game_dates():
        runs.add("PlayerGameSummaryProcessor", day, "phase3", "success", analytics.get(day.isoformat(), 0),
                 _at(day, 7, 50))
    written = {name: _counts(conn, t.qualified, t.date_column) for name, t in OUTPUT_TABLES.items()}
    for season, opener in sorted(truth.openers.items()):
        last = truth.last_game_date(season)
        for k in range((last - opener).days + 1):
            day = opener + dt.timedelta(days=k)
            games, bootstrap = truth.expected(day), truth.is_bootstrap(day)
            for i, name in enumerate(PHASE4_PROCESSORS):
                if name in absent.get(day, ()):
                    continue
                start = _at(day, 9, 5 * i)
                if name in failed.get(day, ()):
                    runs.add(name, day, "phase4", "failed", 0, start)
                    continue
                count = written[name].get(day.isoformat(), 0)
                runs.add(name, day, "phase4", "success", count, start, skip_reason(name, games, bootstrap, count))
    _other_phase3(conn, truth, runs)  # last: the runs above keep the random draws they always had
    return runs.rows


def _other_phase3(conn: sqlite3.Connection, truth: Truth, runs: _Runs) -> None:
    """One run per game date for each other Phase 3 processor with a table: the team summaries beside
    player_game_summary the morning after, the context on game day before its 10:00 rows."""
    for name, output in PHASE3_OUTPUTS.items():
        if name == "PlayerGameSummaryProcessor":
            continue
        written = _counts(conn, output.table.qualified, "game_date")
        for day in truth.game_dates():
            start = _at(day - dt.timedelta(days=1), 9, 55) if output.stamp == BEFORE_TIPOFF else _at(day, 7, 52)
            runs.add(name, day, "phase3", "success", written.get(day.isoformat(), 0), start)
