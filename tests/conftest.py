import os
from pathlib import Path

import pytest

from tests.minihouse import clean_season, copy_warehouse

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def clean_template(tmp_path_factory) -> Path:
    """One clean warehouse per test process; tests copy it before breaking it."""
    root = tmp_path_factory.mktemp("clean") / "warehouse"
    clean_season(root).close()
    return root


@pytest.fixture
def house(clean_template, tmp_path):
    """An open MiniHouse on a private copy of the clean season."""
    from tests.minihouse import MiniHouse

    root = copy_warehouse(clean_template, tmp_path / "warehouse")
    h = MiniHouse.__new__(MiniHouse)
    from nbadq.warehouse.local import open_connection

    h.root, h.conn, h.seq = root, open_connection(root, write=True), 10_000
    h.games = {}
    yield h
    h.conn.close()


@pytest.fixture(autouse=True)
def _no_ambient_warehouse(monkeypatch):
    """Tests name their warehouse; a developer's NBADQ_WAREHOUSE must not leak in."""
    monkeypatch.delenv("NBADQ_WAREHOUSE", raising=False)
    monkeypatch.delenv("NBADQ_MAXIMUM_BYTES_BILLED", raising=False)
    os.environ.setdefault("NBADQ_PROJECT_ROOT", str(ROOT))
