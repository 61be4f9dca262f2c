"""Fixtures: a one-season sample shared by a test session, and tiny hand-made warehouses for exact rows."""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
from pathlib import Path
from typing import Any, Iterator

import pytest

from nbadq.sample.build import build_sample
from nbadq.sample.indexes import create_indexes
from nbadq.schema import TABLES, table
from nbadq.warehouse.local import create_dataset_files, insert_rows, open_connection

SEED = 7


@pytest.fixture(scope="session")
def one_season(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """The 2024-25 season, seed 7 (about 4 s), built once per test run and shared by the xdist workers
    (their base directories share this run's parent). Tests must not modify it: copy it first."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    root = shared / f"nbadq-sample-2024-seed{SEED}"
    with open(shared / "nbadq-sample.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the first worker builds, the others wait and reuse
        if not (root / "nbadq_sample.json").exists():
            build_sample(root, [2024], SEED)
    return root, json.loads((root / "nbadq_sample.json").read_text())


@pytest.fixture
def empty_warehouse(tmp_path: Path) -> Iterator[Any]:
    """A writable connection on a new warehouse holding every contract table (indexed)."""
    create_dataset_files(tmp_path, TABLES)
    conn = open_connection(tmp_path, write=True)
    create_indexes(conn)
    yield conn
    conn.close()


def schedule_row(game_id: str, day: dt.date, home: str, away: str, status: int = 3,
                 scraped: str = "T06:00:00+00:00") -> dict[str, Any]:
    return {"game_id": game_id, "game_date": day.isoformat(), "season_year": 2024, "game_status": status,
            "is_regular_season": int(game_id[2] == "2"), "is_playoffs": 0, "is_all_star": 0, "playoff_round": None,
            "home_team_tricode": home, "away_team_tricode": away,
            "processed_at": (day + dt.timedelta(days=1)).isoformat() + scraped}


def add_rows(conn: Any, qualified: str, rows: list[dict[str, Any]]) -> None:
    insert_rows(conn, table(qualified), rows)
