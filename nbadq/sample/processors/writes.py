"""How simulated processors write: MERGE on the key, run-history rows, timestamps."""

from __future__ import annotations

import datetime as dt
import sqlite3
import uuid
from typing import Any, Sequence

from nbadq.schema import Table, table
from nbadq.warehouse.local import insert_rows

RUN_HISTORY = table("nba_reference.processor_run_history")


def iso_timestamp(moment: dt.datetime) -> str:
    """TIMESTAMP as ISO 8601 TEXT in UTC, one fixed format so text comparison orders correctly."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return moment.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)


def merge_rows(conn: sqlite3.Connection, target: Table, rows: Sequence[dict[str, Any]], fresh: bool = False) -> int:
    """MERGE on the table key: delete every row holding a key being written, then insert.

    Deleting by key (not by date) is what a BigQuery MERGE does: rows for keys not in this run stay, and
    duplicated keys left by an old DELETE+INSERT fallback collapse to one row. `fresh` skips the delete when
    the caller knows the target holds none of these keys (a table the sample builder just created).
    """
    if not rows:
        return 0
    if not fresh:
        where = " AND ".join(f"{c} = ?" for c in target.key)
        conn.executemany(f"DELETE FROM {target.qualified} WHERE {where}",
                         [tuple(r[c] for c in target.key) for r in rows])
    return insert_rows(conn, target, rows)


def run_history_rows(processor: str, data_date: dt.date, phase: str, status: str, records: int,
                     started: dt.datetime, finished: dt.datetime, skip_reason: str | None = None,
                     run_id: str | None = None) -> list[dict[str, Any]]:
    """The two rows of one processor run: 'running' when it starts (0 records so far), then the final status."""
    run_id = run_id or uuid.uuid4().hex
    base = {"processor_name": processor, "run_id": run_id, "data_date": data_date.isoformat(), "phase": phase}
    return [
        {**base, "status": "running", "records_processed": 0, "skip_reason": None,
         "processed_at": iso_timestamp(started)},
        {**base, "status": status, "records_processed": records, "skip_reason": skip_reason,
         "processed_at": iso_timestamp(finished)},
    ]


def record_run(conn: sqlite3.Connection, *args: Any, **kwargs: Any) -> None:
    insert_rows(conn, RUN_HISTORY, run_history_rows(*args, **kwargs))
