import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.minihouse import clean_season, copy_warehouse

ROOT = Path(__file__).resolve().parent.parent
GX_PROJECT_FILES = ("great_expectations.yml", "expectations", "checkpoints", "validation_definitions")


def _private_gx_project() -> Path:
    """Each test process validates with its own copy of the GX project, so parallel runs never share
    uncommitted/ (validation results, Data Docs) and the repository stays untouched."""
    copy = Path(tempfile.mkdtemp(prefix="nbadq-gx-"))
    for name in GX_PROJECT_FILES:
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, copy / name)
    return copy


os.environ["NBADQ_PROJECT_ROOT"] = str(_private_gx_project())


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
    monkeypatch.delenv("BIGQUERY_EMULATOR_HOST", raising=False)  # tests that want the emulator set it themselves


def _closed_loopback_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_CLOSED = f"127.0.0.1:{_closed_loopback_port()}"
# Set at import too, so subprocesses started by any test inherit it: google-auth must never look for a
# metadata server beyond this machine.
os.environ.update({"GCE_METADATA_HOST": _CLOSED, "GCE_METADATA_IP": _CLOSED, "NO_GCE_CHECK": "True"})


@pytest.fixture(autouse=True)
def _no_metadata_server(monkeypatch):
    """google-auth's metadata probes go to a closed loopback port, and its GCE check is off."""
    monkeypatch.setenv("GCE_METADATA_HOST", _CLOSED)
    monkeypatch.setenv("GCE_METADATA_IP", _CLOSED)
    monkeypatch.setenv("NO_GCE_CHECK", "True")
