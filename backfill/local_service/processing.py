"""The simulated processors behind the local service, writing into the local warehouse: Phase 3 and Phase 4
(nbadq.sample.processors), the coordinator's workers and grading (nbadq.sample.processors.phase5).

Each request borrows its own connection from a small pool, so requests really run concurrently up to the
service's limit: their reads (the rolling windows, most of the time) overlap, and their writes are serialised by
SQLite's single writer lock (the processors write inside BEGIN IMMEDIATE, which takes it on every attached
dataset; a second writer waits for it, up to the connection's busy_timeout of 30 s).
"""

from __future__ import annotations

import datetime as dt
import queue
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from nbadq.sample.indexes import create_indexes
from nbadq.sample.ownership import record_rewrites
from nbadq.sample.processors import PHASE3_PROCESSORS, run_phase3, run_phase4
from nbadq.sample.processors.phase5 import completeness, eligible_players, grade_date, predict_date
from nbadq.schema import TABLES, table
from nbadq.warehouse.local import create_dataset_files, open_connection, require_directory

# Without backfill_mode the Phase 3 service silently skips dates older than this (contract, section 4).
PHASE3_RECENT_DAYS = 90
WRITTEN = ("nba_analytics.player_game_summary", "nba_analytics.team_offense_game_summary",
           "nba_analytics.team_defense_game_summary", "nba_analytics.upcoming_player_game_context",
           "nba_precompute.player_composite_factors",
           "nba_precompute.player_shot_zone_analysis", "nba_precompute.team_defense_zone_analysis",
           "nba_precompute.player_daily_cache", "nba_predictions.ml_feature_store_v2",
           "nba_predictions.player_prop_predictions", "nba_predictions.prediction_accuracy",
           "nba_reference.processor_run_history")


class Processing:
    def __init__(self, root: Path, connections: int = 5) -> None:
        require_directory(root)
        create_dataset_files(root, [table(name) for name in WRITTEN])  # CREATE IF NOT EXISTS: the tables it writes
        self._root = root
        self._idle: queue.LifoQueue[sqlite3.Connection] = queue.LifoQueue()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._size = connections
        with self._connection() as conn:
            create_indexes(conn, [t for t in TABLES if t.qualified in WRITTEN])

    def phase4(self, day: dt.date, processors: Sequence[str], backfill_mode: bool) -> list[dict[str, Any]]:
        with self._connection() as conn:
            return run_phase4(conn, day, processors, backfill_mode)

    def phase3(self, start: dt.date, end: dt.date, processors: Sequence[str], backfill_mode: bool,
               skip: Iterable[dt.date] = (), today: dt.date | None = None) -> list[dict[str, Any]]:
        """Run Phase 3 over [start, end] except `skip`, and except old dates when not in backfill mode."""
        today = today or dt.date.today()
        skipped = set(skip)
        days = [start + dt.timedelta(n) for n in range((end - start).days + 1)]
        run = [d for d in days if d not in skipped and (backfill_mode or (today - d).days <= PHASE3_RECENT_DAYS)]
        results = None
        with self._connection() as conn:
            for first, last in _runs(run):
                results = run_phase3(conn, first, last, processors)
        return results if results is not None else [
            {"processor": p, "status": "success", "stats": {}}
            for p in PHASE3_PROCESSORS if not processors or p in processors]

    def completeness(self, day: dt.date) -> dict[str, Any]:
        """The coordinator's gate for `day` (see nbadq.sample.processors.phase5), with the players it would predict."""
        with self._connection() as conn:
            return {**completeness(conn, day), "players": eligible_players(conn, day)}

    def predict(self, day: dt.date) -> int:
        with self._connection() as conn:
            return predict_date(conn, day)

    def grade(self, day: dt.date) -> int:
        with self._connection() as conn:
            return grade_date(conn, day)

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                conn.close()
            self._all.clear()
        # nbadq wrote these files: a sample's manifest records their new hashes, so `nbadq sample` may replace them.
        record_rewrites(self._root, sorted({f"{table(name).dataset}.sqlite" for name in WRITTEN}))

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        try:
            conn = self._idle.get_nowait()
        except queue.Empty:
            conn = open_connection(self._root, write=True)
            with self._lock:
                self._all.append(conn)
        try:
            yield conn
        finally:
            if self._idle.qsize() < self._size:
                self._idle.put(conn)


def _runs(days: list[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Consecutive days grouped into (first, last) ranges."""
    out: list[list[dt.date]] = []
    for d in days:
        if out and (d - out[-1][-1]).days == 1:
            out[-1].append(d)
        else:
            out.append([d])
    return [(r[0], r[-1]) for r in out]
