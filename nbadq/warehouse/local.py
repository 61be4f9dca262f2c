"""The local warehouse (contract, section 2): a directory with one SQLite file per dataset, attached by name.

`SELECT ... FROM nba_analytics.player_game_summary` reads the same here as on BigQuery because each
`<dataset>.sqlite` is attached under its dataset name. Platform datasets are attached read-only unless a caller
asks to write: validating a directory must never create or modify a platform file.

nbadq's own dataset (`nba_dq.sqlite`, the calendar) lives in the warehouse when nbadq may write there, else in a
state directory (NBADQ_STATE_DIR, default `uncommitted/state/` of the project), one subdirectory per warehouse.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import tempfile
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence
from urllib.parse import quote

from nbadq.clock import unix_date, unix_seconds
from nbadq.errors import UsageError, WarehouseError
from nbadq.schema import NBADQ_DATASET, PLATFORM_DATASETS, Table, last_day, stored_date

SUFFIX = ".sqlite"
ENV_STATE_DIR = "NBADQ_STATE_DIR"


def format_date(fmt: Any, value: Any) -> str | None:
    """BigQuery's FORMAT_DATE(format, date) for the local warehouse, for the format elements strftime shares with
    it (%Y, %m, %d): the suites build the system game id `YYYYMMDD_AWAY_HOME` with FORMAT_DATE('%Y%m%d', game_date).
    NULL for a value that is not a real date, as BigQuery has no such DATE."""
    day = stored_date(value)
    return day.strftime(str(fmt)) if day is not None and fmt is not None else None


# The SQL functions SQLite calls once per row (1.2 M FORMAT_DATE and 0.5 M LAST_DAY calls in a 5-season nightly,
# about 1.5 s): each is a pure function of a few thousand distinct dates, so a cache answers almost every call.
_CACHED_LAST_DAY = lru_cache(maxsize=1 << 16)(last_day)
_CACHED_FORMAT_DATE = lru_cache(maxsize=1 << 16)(format_date)


def dataset_file(root: Path, dataset: str) -> Path:
    return root / f"{dataset}{SUFFIX}"


def directory_writable(root: Path) -> bool:
    """Whether nbadq may create files in `root` (its own nba_dq.sqlite, SQLite's -wal/-shm beside WAL files)."""
    return os.access(root, os.W_OK | os.X_OK)


def sqlite_uri(path: Path, mode: str, immutable: bool = False) -> str:
    """A `file:` URI for `path`. The path is %-escaped: in a URI `?` starts the parameters, `#` a fragment and `%`
    an escape, so a directory named `wq?x` would otherwise open (or create) a file `wq` beside it."""
    params = f"mode={mode}" + ("&immutable=1" if immutable else "")
    return f"file:{quote(path.resolve().as_posix(), safe='/')}?{params}"


def platform_uri(path: Path, write: bool = False) -> str:
    """Read-only unless writing. `immutable=1` only where the directory cannot be written: SQLite then skips the
    -shm file a WAL reader needs (and cannot create there), which is safe only because nobody can write either."""
    if write:
        return sqlite_uri(path, "rwc")
    return sqlite_uri(path, "ro", immutable=not directory_writable(path.parent))


def _attach_sql(uri: str, name: str) -> str:
    return f"ATTACH DATABASE '{uri.replace(chr(39), chr(39) * 2)}' AS {name}"


def attach_all(conn: sqlite3.Connection, root: Path, write: bool = False, own: Path | None = None,
               write_own: bool = False) -> None:
    """Attach every dataset file present in `root` under its dataset name, and nbadq's own file `own` (default:
    in `root`) as nba_dq when it exists or is to be written. Also registers the BigQuery functions the suites use
    that SQLite lacks (LAST_DAY, FORMAT_DATE, UNIX_SECONDS, UNIX_DATE)."""
    conn.create_function("LAST_DAY", 1, _CACHED_LAST_DAY, deterministic=True)
    conn.create_function("FORMAT_DATE", 2, _CACHED_FORMAT_DATE, deterministic=True)
    conn.create_function("UNIX_SECONDS", 1, unix_seconds, deterministic=True)  # the schedule rules' timestamps
    conn.create_function("UNIX_DATE", 1, unix_date, deterministic=True)
    for dataset in PLATFORM_DATASETS:
        path = dataset_file(root, dataset)
        if path.exists():
            conn.execute(_attach_sql(platform_uri(path, write), dataset))
    own = own or dataset_file(root, NBADQ_DATASET)
    if write or write_own or own.exists():
        conn.execute(_attach_sql(sqlite_uri(own, "rwc" if write or write_own else "ro"), NBADQ_DATASET))


def open_connection(root: Path, write: bool = False, own: Path | None = None,
                    write_own: bool = False) -> sqlite3.Connection:
    """A connection with every dataset of the warehouse attached by name (main is an empty in-memory db)."""
    conn = sqlite3.connect("file::memory:", uri=True, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA busy_timeout = 30000")  # writers (serve-local, calendar refresh) hold locks briefly
    try:
        attach_all(conn, root, write=write, own=own, write_own=write_own)
    except BaseException:
        conn.close()
        raise
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
    if root.exists() and not root.is_dir():
        raise WarehouseError(f"warehouse {str(root)!r} is a file, not a directory: pass --warehouse the directory "
                             "that holds the <dataset>.sqlite files")
    if not root.is_dir():
        raise WarehouseError(f"warehouse directory {str(root)!r} does not exist: build one with `nbadq sample`"
                             " or pass --warehouse PATH")
    if not any(dataset_file(root, d).exists() for d in PLATFORM_DATASETS):
        names = ", ".join(f"{d}{SUFFIX}" for d in PLATFORM_DATASETS)
        raise WarehouseError(f"warehouse directory {str(root)!r} holds none of {names}")


def state_directory() -> Path:
    """Where nba_dq.sqlite of a warehouse nbadq cannot write goes: NBADQ_STATE_DIR, else uncommitted/state."""
    env = os.environ.get(ENV_STATE_DIR)
    if env:
        return Path(env)
    from nbadq.config import project_root

    return project_root() / "uncommitted" / "state"


def own_file(root: Path) -> Path:
    """nba_dq.sqlite of the warehouse at `root`: beside its platform files when nbadq may write there, else in
    the state directory, under a name unique to the warehouse (two read-only snapshots never share a calendar)."""
    if directory_writable(root):
        return dataset_file(root, NBADQ_DATASET)
    where = os.path.realpath(root)
    key = hashlib.sha256(where.encode("utf-8")).hexdigest()[:12]
    return state_directory() / f"{Path(where).name or 'warehouse'}-{key}" / f"{NBADQ_DATASET}{SUFFIX}"


class LocalWarehouse:
    """The embedded default: a directory of `<dataset>.sqlite` files."""

    kind = "local"

    def __init__(self, root: Path):
        self.root = root
        self.label = f"local:{root}"
        self._staged: Path | None = None

    @property
    def own_file(self) -> Path:
        """nba_dq.sqlite as this run reads and writes it: the staged copy while staged_own_file() is active."""
        return self._staged or own_file(self.root)

    @contextmanager
    def staged_own_file(self) -> Iterator[None]:
        """For the length of a run, read and write nba_dq.sqlite in a copy beside it, and put the copy in place
        (one rename) only when the run completes: a run that ends in exit 2 leaves the previous calendar, or none,
        exactly as it was."""
        require_directory(self.root)
        final = own_file(self.root)
        _make_parent(final)
        fd, name = tempfile.mkstemp(prefix=f".{final.stem}.", suffix=SUFFIX, dir=final.parent)
        os.close(fd)
        staged = Path(name)
        try:
            os.chmod(staged, 0o644)  # mkstemp's 0600 would hide the calendar from other readers
            if final.exists():
                _prepare_own_file(final)  # an older nbadq's WAL-mode file: SQLite folds in and removes its -wal/-shm
                _copy_database(final, staged)
            self._staged = staged
            yield
            os.replace(staged, final)
        finally:
            self._staged = None
            staged.unlink(missing_ok=True)

    def _file(self, dataset: str) -> Path:
        return self.own_file if dataset == NBADQ_DATASET else dataset_file(self.root, dataset)

    # -- Great Expectations -------------------------------------------------------------------------------
    def gx_url(self) -> str:
        # main is nbadq's own file, read-only; the hook below attaches every dataset (nba_dq included) by name.
        # SQLAlchemy unquotes the database part once and SQLite decodes the URI once, hence the second quote.
        path, _, params = sqlite_uri(self.own_file, "ro").partition("?")
        return f"sqlite:///{quote(path, safe='/:')}?{params}&uri=true"

    @contextmanager
    def gx_session(self) -> Iterator[None]:
        from sqlalchemy import event
        from sqlalchemy.pool import Pool

        own = self.own_file
        main = own.resolve()

        def attach(dbapi_conn: Any, _record: Any) -> None:
            # Every pool in the process fires this; attach only on connections to this warehouse.
            files = [row[2] for row in dbapi_conn.execute("PRAGMA database_list")]
            if files and files[0] and Path(files[0]).resolve() == main:
                attach_all(dbapi_conn, self.root, own=own)

        event.listen(Pool, "connect", attach)
        try:
            yield
        finally:
            event.remove(Pool, "connect", attach)

    # -- direct access ------------------------------------------------------------------------------------
    def connect(self) -> sqlite3.Connection:
        require_directory(self.root)
        try:
            return open_connection(self.root, own=self.own_file)
        except sqlite3.Error as exc:
            raise WarehouseError(f"{self.label}: cannot open its SQLite files ({exc})") from None

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
            path = self._file(t.dataset)
            if not path.exists() or not _columns(path, t.name):
                missing.append(t.qualified)
        return missing

    def missing_columns(self, table: Table, columns: Iterable[str]) -> list[str]:
        """The given columns that `table` (present) lacks; SQLite, like BigQuery, ignores their case."""
        found = {c.lower() for c in _columns(self._file(table.dataset), table.name)}
        return [c for c in columns if c.lower() not in found]

    def replace_table(self, table: Table, rows: Sequence[dict[str, Any]]) -> None:
        """Only nbadq's own tables: into nba_dq.sqlite (created when missing, in the state directory when the
        warehouse cannot be written)."""
        require_directory(self.root)
        own = self.own_file
        _prepare_own_file(own)
        conn = open_connection(self.root, own=own, write_own=True)
        try:
            with transaction(conn):
                # Recreate rather than DELETE: an older nbadq may have written a different column set.
                conn.execute(f"DROP TABLE IF EXISTS {table.qualified}")
                conn.execute(table.create_sql().replace(f"EXISTS {table.name} ", f"EXISTS {table.qualified} "))
                insert_rows(conn, table, rows)
        finally:
            conn.close()


def _make_parent(own: Path) -> None:
    try:
        own.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create {str(own.parent)!r} for nba_dq.sqlite ({exc.strerror or exc}): set "
                         f"{ENV_STATE_DIR} to a directory you can write") from None


def _copy_database(source: Path, target: Path) -> None:
    """A consistent copy through SQLite's backup API (a byte copy could catch a write half done)."""
    src = sqlite3.connect(sqlite_uri(source, "ro"), uri=True)
    dst = sqlite3.connect(sqlite_uri(target, "rw"), uri=True)
    try:
        src.backup(dst)
    except sqlite3.Error as exc:
        raise WarehouseError(f"cannot copy {source} ({exc})") from None
    finally:
        dst.close()
        src.close()


def _prepare_own_file(own: Path) -> None:
    """Create nba_dq.sqlite (and its directory), in rollback-journal mode: written once per run and read after,
    it needs no WAL, and so leaves no -wal/-shm files beside it."""
    _make_parent(own)
    try:
        conn = sqlite3.connect(sqlite_uri(own, "rwc"), uri=True)
    except sqlite3.Error as exc:
        raise WarehouseError(f"cannot write {own} ({exc})") from None
    try:
        conn.execute("PRAGMA busy_timeout = 30000")
        conn.execute("PRAGMA journal_mode = DELETE")
    except sqlite3.Error as exc:
        raise WarehouseError(f"cannot write {own} ({exc})") from None
    finally:
        conn.close()


def _columns(path: Path, name: str) -> list[str]:
    """Column names of table (or view) `name` in the SQLite file at `path`; [] when it has no such table."""
    try:
        conn = sqlite3.connect(platform_uri(path), uri=True)
    except sqlite3.Error as exc:
        raise WarehouseError(f"{path} cannot be opened ({exc})") from None
    try:
        row = conn.execute("SELECT 1 FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?", (name,))
        if row.fetchone() is None:
            return []
        return [r[1] for r in conn.execute(f"PRAGMA table_info({_quoted(name)})")]
    except sqlite3.DatabaseError as exc:
        raise WarehouseError(f"{path} is not a readable SQLite database ({exc})") from None
    finally:
        conn.close()


def _quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'
