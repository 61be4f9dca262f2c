"""A BigQuery emulator (local-bigquery) on 127.0.0.1, and the sample warehouse loaded into it.

`make bq-emulator` installs the emulator into .venv-bq/ (its pins conflict with nbadq's) and puts the DuckDB
extensions it needs, copied from the registry's `duckdb-extension-*` wheels, under .venv-bq/duckdb-extensions/.
Each start gets a HOME of its own whose ~/.duckdb/extensions points there, so DuckDB finds everything installed
and fetches nothing at run time.

Used by tests/bigquery/conftest.py, tests/install/test_wheel.py (the nightly example workflow's BigQuery steps) and
bench/bigquery_emulator.py. Tests reach one emulator per test process through `shared()`, each loading its sample
into a project of its own.
"""

from __future__ import annotations

import atexit
import datetime as dt
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
VENV = Path(os.environ.get("NBADQ_BQ_EMULATOR_VENV", ROOT / ".venv-bq"))
PROJECT = "nbadq-emulator"  # obviously not a real project
LOCATION = "US"  # the emulator's only location, where the sample's datasets are created


def executable() -> Path:
    return VENV / "bin" / "local-bigquery"


def extensions_dir() -> Path:
    return VENV / "duckdb-extensions"


def missing() -> str | None:
    """Why the emulator cannot start here, or None when it is installed."""
    if not executable().is_file():
        return f"{executable()} is not installed (run `make bq-emulator`)"
    if not any(extensions_dir().glob("v*/*/*.duckdb_extension")):
        return f"no DuckDB extensions under {extensions_dir()} (run `make bq-emulator`)"
    return None


def require() -> None:
    """In a test: skip, saying why, when the emulator is not installed; under CI=true fail instead."""
    import pytest

    reason = missing()
    if reason is None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true and the BigQuery emulator is missing: {reason}", pytrace=False)
    pytest.skip(f"BigQuery emulator not installed: {reason}")


def _die_with_parent() -> None:
    """In the emulator's process, before exec: on Linux, be sent SIGTERM when the test process that started it dies
    (a killed xdist worker must not leave an emulator behind)."""
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Emulator:
    url: str  # what BIGQUERY_EMULATOR_HOST is set to
    process: subprocess.Popen
    home: Path
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def env(self) -> dict[str, str]:
        return {"BIGQUERY_EMULATOR_HOST": self.url}


def start(workdir: Path, timeout: float = 60.0) -> Emulator:
    """Start the emulator on free loopback ports, with its own HOME and data directory; wait until it answers."""
    home = workdir / "home"
    (home / ".duckdb").mkdir(parents=True, exist_ok=True)
    link = home / ".duckdb" / "extensions"
    if not link.exists():
        link.symlink_to(extensions_dir().resolve(), target_is_directory=True)
    port, grpc_port = _free_port(), _free_port()
    log = workdir / "emulator.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BIGQUERY_", "GOOGLE_"))}
    env.update({"HOME": str(home), "PYTHONDONTWRITEBYTECODE": "1"})
    with open(log, "wb") as fh:
        process = subprocess.Popen(
            [str(executable()), "serve", "--host", "127.0.0.1", "--port", str(port), "--grpc-port", str(grpc_port),
             "--project", PROJECT, "--data-dir", str(workdir / "data")],
            cwd=workdir, env=env, stdout=fh, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            preexec_fn=_die_with_parent)
    emulator = Emulator(f"http://127.0.0.1:{port}", process, home, log)
    deadline = time.monotonic() + timeout
    probe = f"{emulator.url}/bigquery/v2/projects/{PROJECT}/datasets"
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"the emulator exited with {process.returncode}: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(probe, timeout=5) as resp:
                if resp.status == 200:
                    return emulator
        except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
            if isinstance(exc, urllib.error.HTTPError):  # it answers, but cannot serve: say why
                emulator.stop()
                raise RuntimeError(f"the emulator answered {exc.code}: {exc.read()[:500]!r}") from None
        if time.monotonic() > deadline:
            emulator.stop()
            raise RuntimeError(f"the emulator did not answer within {timeout:.0f} s: {log.read_text()[-2000:]}")
        time.sleep(0.2)


_shared: list[Emulator] = []


def shared(workdir: Path) -> Emulator:
    """This test process's emulator: started in `workdir` on first use, stopped when the process exits. Each test
    loads its sample into a project of its own (`load_warehouse(..., project=...)`). The tests that use it are in
    xdist_group("bigquery") so that `--dist loadgroup` runs them in one process, one emulator per run (but
    pytest-xdist 3.8 does not apply groups under pytest 9.2: there, each worker running one starts its own)."""
    if _shared and _shared[0].process.poll() is not None:
        raise RuntimeError(f"the shared emulator exited with {_shared[0].process.returncode}: "
                           f"{_shared[0].log.read_text()[-2000:]}")
    if not _shared:
        _shared.append(start(workdir))
        atexit.register(_shared[0].stop)
    return _shared[0]


def client(emulator: Emulator, project: str = PROJECT) -> Any:
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import bigquery

    return bigquery.Client(project=project, credentials=AnonymousCredentials(), location=LOCATION,
                           client_options={"api_endpoint": emulator.url})


def _rows(conn: sqlite3.Connection, table: Any) -> list[dict[str, Any]]:
    """A local table's rows as the BigQuery JSON load expects them (BOOL 0/1 -> false/true)."""
    names = table.column_names
    kinds = dict(table.columns)
    out = []
    for values in conn.execute(f"SELECT {', '.join(names)} FROM {table.qualified}"):
        row = {}
        for name, value in zip(names, values):
            if value is not None and kinds[name] == "BOOL":
                value = bool(value)
            row[name] = value
        out.append(row)
    return out


def load_warehouse(bq: Any, local_root: Path, project: str = PROJECT) -> dict[str, int]:
    """Copy every platform table of a local warehouse into the emulator, as production lays them out: each
    date-partitioned table partitioned by day on its date column with require_partition_filter = TRUE; the
    tables the contract calls unpartitioned stay unpartitioned, all in `project`. Returns table -> rows loaded."""
    from google.cloud import bigquery

    from nbadq.schema import PLATFORM_DATASETS, TABLES
    from nbadq.warehouse.local import open_connection

    for dataset in PLATFORM_DATASETS:
        ds = bigquery.Dataset(f"{project}.{dataset}")
        ds.location = LOCATION
        bq.create_dataset(ds, exists_ok=True)
    conn = open_connection(local_root)
    loaded = {}
    try:
        for table in TABLES:
            ref = f"{project}.{table.qualified}"
            schema = [bigquery.SchemaField(c, t) for c, t in table.columns]
            bq_table = bigquery.Table(ref, schema=schema)
            if table.partitioned:
                bq_table.time_partitioning = bigquery.TimePartitioning(
                    type_=bigquery.TimePartitioningType.DAY, field=table.date_column)
                bq_table.require_partition_filter = True
            bq.create_table(bq_table)
            rows = _rows(conn, table)
            with tempfile.TemporaryFile() as fh:
                for row in rows:
                    fh.write(json.dumps(row, default=_json_default).encode() + b"\n")
                fh.seek(0)
                config = bigquery.LoadJobConfig(source_format=bigquery.SourceFormat.NEWLINE_DELIMITED_JSON,
                                                schema=schema, write_disposition="WRITE_APPEND")
                bq.load_table_from_file(fh, ref, job_config=config).result()
            loaded[table.qualified] = len(rows)
    finally:
        conn.close()
    return loaded


def _json_default(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(type(value))


def install_extensions() -> Path:
    """Run with the emulator's own Python: copy every installed duckdb-extension-* wheel's .duckdb_extension
    into extensions_dir()/v<duckdb version>/<platform>/, the layout of ~/.duckdb/extensions."""
    import duckdb  # the emulator venv's
    import importlib.metadata
    import shutil

    version = f"v{duckdb.__version__}"
    platform = duckdb.execute("PRAGMA platform").fetchone()[0]
    target = extensions_dir() / version / platform
    target.mkdir(parents=True, exist_ok=True)
    copied = []
    for dist in importlib.metadata.distributions():
        if not (dist.metadata["Name"] or "").replace("_", "-").lower().startswith("duckdb-extension-"):
            continue
        for file in dist.files or ():
            if file.name.endswith(".duckdb_extension") and f"/{version}/" in f"/{file.as_posix()}":
                shutil.copyfile(dist.locate_file(file), target / file.name)
                copied.append(file.name)
    if not copied:
        raise SystemExit(f"no duckdb-extension-* wheel for DuckDB {version} is installed")
    print(f"DuckDB extensions for {version}/{platform}: {', '.join(sorted(copied))}")
    return target


if __name__ == "__main__":
    if sys.argv[1:] != ["install-extensions"]:
        raise SystemExit("usage: python tests/bigquery/emulator.py install-extensions")
    install_extensions()
