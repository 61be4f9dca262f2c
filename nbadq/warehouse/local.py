"""The local warehouse (contract, section 2): a directory with one SQLite file per dataset, attached by name.

`SELECT ... FROM nba_analytics.player_game_summary` reads the same here as on BigQuery because each
`<dataset>.sqlite` is attached under its dataset name. Platform datasets are attached read-only unless a caller
asks to write: validating a directory must never create or modify a platform file.
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from nbadq.errors import WarehouseError
from nbadq.schema import NBADQ_DATASET, PLATFORM_DATASETS, Table

SUFFIX = ".sqlite"


def dataset_file(root: Path, dataset: str) -> Path:
    return root / f"{dataset}{SUFFIX}"


def _attach_sql(path: Path, name: str, readonly: bool) -> str:
    # URI form so read-only attaches fail on a missing file instead of creating it.
    mode = "ro" if readonly else "rwc"
    uri = f"file:{path.resolve().as_posix()}?mode={mode}"
    return f"ATTACH DATABASE '{uri.replace(chr(39), chr(39) * 2)}' AS {name}"


def attach_all(conn: sqlite3.Connection, root: Path, write: bool = False) -> None:
    """Attach every dataset file present in `root` under its dataset name."""
    for dataset in PLATFORM_DATASETS:
        path = dataset_file(root, dataset)
        if path.exists():
            conn.execute(_attach_sql(path, dataset, readonly=not write))
    own = dataset_file(root, NBADQ_DATASET)
    if own.exists() or write:
        conn.execute(_attach_sql(own, NBADQ_DATASET, readonly=False))


def open_connection(root: Path, write: bool = False) -> sqlite3.Connection:
    """A connection with every dataset of the warehouse attached by name (main is an empty in-memory db)."""
    conn = sqlite3.connect("file::memory:", uri=True, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA busy_timeout = 30000")  # writers (serve-local, calendar refresh) hold locks briefly
    attach_all(conn, root, write=write)
    return conn


def create_dataset_files(root: Path, tables: Iterable[Table]) -> None:
    """Create the dataset files (WAL mode) and the given tables. Used by writers: sample, serve-local, tests."""
    root.mkdir(parents=True, exist_ok=True)
    by_dataset: dict[str, list[Table]] = {}
    for t in tables:
        by_dataset.setdefault(t.dataset, []).append(t)
    for dataset, members in by_dataset.items():
        with sqlite3.connect(dataset_file(root, dataset)) as conn:
            conn.execute("PRAGMA journal_mode = WAL")  # several readers while one process writes
            for t in members:
                conn.execute(t.create_sql())
        conn.close()


def insert_rows(conn: sqlite3.Connection, table: Table, rows: Sequence[dict[str, Any]]) -> int:
    """Insert dict rows into `dataset.table` of an attached connection; missing keys become NULL."""
    if not rows:
        return 0
    cols = table.column_names
    sql = f"INSERT INTO {table.qualified} ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})"
    conn.executemany(sql, (tuple(map(row.get, cols)) for row in rows))  # map in C: bulk loads go through here
    return len(rows)


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE (take the write lock up front), or join the caller's transaction (bulk loads batch theirs)."""
    if conn.in_transaction:
        yield conn
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def require_directory(root: Path) -> None:
    """Fail with one line when `root` is not a local warehouse, before anything is written into it."""
    if not root.is_dir():
        raise WarehouseError(f"warehouse directory {str(root)!r} does not exist: build one with `nbadq sample`"
                             " or pass --warehouse PATH")
    if not any(dataset_file(root, d).exists() for d in PLATFORM_DATASETS):
        names = ", ".join(f"{d}{SUFFIX}" for d in PLATFORM_DATASETS)
        raise WarehouseError(f"warehouse directory {str(root)!r} holds none of {names}")


class LocalWarehouse:
    """The embedded default: a directory of `<dataset>.sqlite` files."""

    kind = "local"

    def __init__(self, root: Path):
        self.root = root
        self.label = f"local:{root}"

    # -- Great Expectations -------------------------------------------------------------------------------
    def gx_url(self) -> str:
        # main is nbadq's own file; the hook below attaches every dataset (nba_dq included) under its name.
        return f"sqlite:///{dataset_file(self.root, NBADQ_DATASET).resolve().as_posix()}"

    @contextmanager
    def gx_session(self) -> Iterator[None]:
        from sqlalchemy import event
        from sqlalchemy.pool import Pool

        main = dataset_file(self.root, NBADQ_DATASET).resolve()

        def attach(dbapi_conn: Any, _record: Any) -> None:
            # Every pool in the process fires this; attach only on connections to this warehouse.
            files = [row[2] for row in dbapi_conn.execute("PRAGMA database_list")]
            if files and files[0] and Path(files[0]).resolve() == main:
                attach_all(dbapi_conn, self.root)

        event.listen(Pool, "connect", attach)
        try:
            yield
        finally:
            event.remove(Pool, "connect", attach)

    # -- direct access ------------------------------------------------------------------------------------
    def connect(self) -> sqlite3.Connection:
        require_directory(self.root)
        return open_connection(self.root)

    def query(self, sql: str) -> list[dict[str, Any]]:
        conn = self.connect()
        try:
            cur = conn.execute(sql)
            names = [d[0] for d in cur.description or ()]
            return [dict(zip(names, row)) for row in cur.fetchall()]
        except sqlite3.Error as exc:
            raise WarehouseError(f"{self.label}: {exc}") from None
        finally:
            conn.close()

    def missing_tables(self, tables: Iterable[Table]) -> list[str]:
        require_directory(self.root)
        missing = []
        for t in tables:
            path = dataset_file(self.root, t.dataset)
            if not path.exists() or not _has_table(path, t.name):
                missing.append(t.qualified)
        return missing

    def replace_table(self, table: Table, rows: Sequence[dict[str, Any]]) -> None:
        require_directory(self.root)
        create_dataset_files(self.root, [table])
        conn = open_connection(self.root, write=False)
        try:
            with transaction(conn):
                # Recreate rather than DELETE: an older nbadq may have written a different column set.
                conn.execute(f"DROP TABLE IF EXISTS {table.qualified}")
                conn.execute(table.create_sql().replace(f"EXISTS {table.name} ", f"EXISTS {table.qualified} "))
                insert_rows(conn, table, rows)
        finally:
            conn.close()


def _has_table(path: Path, name: str) -> bool:
    uri = f"file:{path.resolve().as_posix()}?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True)
    except sqlite3.Error:
        return False
    try:
        row = conn.execute("SELECT 1 FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?", (name,))
        return row.fetchone() is not None
    except sqlite3.DatabaseError as exc:
        raise WarehouseError(f"{path} is not a readable SQLite database ({exc})") from None
    finally:
        conn.close()
