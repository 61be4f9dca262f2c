"""The BigQuery path run for real: nbadq against a BigQuery emulator (local-bigquery) on 127.0.0.1.

Everything expensive happens once per session, on one xdist worker (each module using it sets
`pytestmark = pytest.mark.xdist_group("bigquery")` and `make test` runs with `--dist loadgroup`): build a
one-season sample, start the emulator (or reuse the one tests/install/test_wheel.py started in this process:
`emu.shared`), load the sample into it (date-partitioned tables with require_partition_filter), run nbadq against it
and against the same sample in SQLite. The tests then compare the two, rule by rule and date by date.

Without the emulator (`make bq-emulator` not run) these tests skip and say why; under CI=true they fail instead.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.bigquery import emulator as emu

WAREHOUSE = f"bigquery://{emu.PROJECT}"
SEASONS, SEED = "2024-2024", "7"
# The windowed BigQuery run also carries a byte cap, a location and job labels (pyproject [tool.nbadq.labels]), so
# they reach the emulator through the direct client and through the engine Great Expectations opens.
CAP = str(10**12)
LABELS = {"job": "nbadq-emulator-test", "team": "data-quality"}
# A window with defects of every layer in it (precompute duplicates, partial Phase 4 runs, a partial analytics
# run, missing grading, a false zero run) and passing dates around them.
WINDOW = ("2024-12-20", "2025-01-10")
AS_OF = "2026-06-01T12:00:00"  # one clock for both engines' runs: raw.freshness is not applicable (past the data)


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str
    seconds: float


def nbadq(args: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> Run:
    """`nbadq ARGS` in a subprocess, as a user runs it."""
    started = time.monotonic()
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("BIGQUERY_")}
    full_env.update(env or {})
    proc = subprocess.run([sys.executable, "-m", "nbadq.cli.main", *map(str, args)], env=full_env, cwd=cwd,
                          capture_output=True, text=True, timeout=600)
    return Run(proc.returncode, proc.stdout, proc.stderr, time.monotonic() - started)


@dataclass
class Session:
    """What the session ran, for the tests to compare."""
    emulator: emu.Emulator
    root: Path
    local: Path  # the sample warehouse (SQLite)
    loaded: dict[str, int]
    runs: dict[str, Run] = field(default_factory=dict)
    docs: dict[str, dict[str, Any]] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def env(self) -> dict[str, str]:
        return self.emulator.env()

    def client(self) -> Any:
        return emu.client(self.emulator)


@pytest.fixture(scope="session")
def bq(tmp_path_factory) -> Session:
    emu.require()
    root = tmp_path_factory.mktemp("bigquery")
    clock = time.monotonic()
    sample = nbadq(["sample", "--out", root / "local", "--seasons", SEASONS, "--seed", SEED])
    assert sample.code == 0, sample.stderr
    seconds = {"sample": time.monotonic() - clock}
    clock = time.monotonic()
    emulator = emu.shared(tmp_path_factory.getbasetemp() / "bigquery-emulator")  # stopped when the process exits
    seconds["emulator start"] = time.monotonic() - clock
    clock = time.monotonic()
    bq_client = emu.client(emulator)
    loaded = emu.load_warehouse(bq_client, root / "local")
    bq_client.close()
    seconds["load"] = time.monotonic() - clock
    session = Session(emulator, root, root / "local", loaded, seconds=seconds)
    _run_everything(session)
    yield session
    if target := os.environ.get("NBADQ_BQ_TIMINGS"):  # for bench/bigquery_emulator.py
        Path(target).write_text(json.dumps({k: round(v, 2) for k, v in seconds.items()}, indent=1), encoding="utf-8")


def _timed(session: Session, name: str, args: list[str], env: dict[str, str] | None = None,
           cwd: Path | None = None) -> Run:
    run = nbadq(args, env=env, cwd=cwd or session.root)
    session.runs[name] = run
    session.seconds[name] = run.seconds
    return run


def _run_everything(s: Session) -> None:
    """Each nbadq run the tests look at, in the order a person would run them."""
    out = s.root / "out"
    out.mkdir()
    capped = s.root / "capped"  # the capped run's working directory, whose pyproject.toml sets the labels
    capped.mkdir()
    labels = "".join(f'{k} = "{v}"\n' for k, v in LABELS.items())
    (capped / "pyproject.toml").write_text(f"[tool.nbadq.labels]\n{labels}", encoding="utf-8")
    # Before `nbadq calendar`: the dataset nba_dq does not exist, so validate must refuse and write nothing.
    _timed(s, "validate before calendar", ["validate", "--warehouse", WAREHOUSE, "--json",
                                            out / "before-calendar.json"], s.env)
    _timed(s, "calendar", ["calendar", "--warehouse", WAREHOUSE], s.env)
    since, until = WINDOW
    for engine, target, env in (("bigquery", WAREHOUSE, s.env), ("sqlite", str(s.local), None)):
        for scope, extra in (("history", []), ("window", ["--since", since, "--until", until])):
            path = out / f"{engine}-{scope}.json"
            cwd = None
            if engine == "bigquery" and scope == "window":
                env = {**env, "NBADQ_MAXIMUM_BYTES_BILLED": CAP, "NBADQ_BIGQUERY_LOCATION": emu.LOCATION}
                cwd = capped
            _timed(s, f"validate {engine} {scope}", ["validate", "--warehouse", target, "--json", path, "--as-of", AS_OF,
                                                     *extra], env, cwd)
            if path.exists():
                s.docs[f"{engine} {scope}"] = json.loads(path.read_text(encoding="utf-8"))
    for engine in ("bigquery", "sqlite"):
        src = out / f"{engine}-history.json"
        _timed(s, f"report {engine}", ["report", "--from-json", src, "--out", out / f"{engine}.html"])

