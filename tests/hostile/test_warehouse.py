"""Local warehouses people actually have (issue 8): read-only snapshots, odd directory names, a file instead of a
directory, and exactly which files a validate run adds beside the platform's.

Each test copies the clean season (tests/minihouse.py, WAL-mode files written with plain sqlite3) and runs the CLI
in a subprocess. Tests run as root, which ignores permission bits, so the read-only and unwritable cases run the
subprocess as the unprivileged user 65534 (`setpriv`): the kernel, not nbadq, says what may be written.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Iterator

import pytest

from nbadq.schema import PLATFORM_DATASETS
from tests.conftest import GX_PROJECT_FILES
from tests.hostile.harness import ROOT, Result, assert_one_line_error, run_nbadq, tree_hash
from tests.minihouse import copy_warehouse

NOBODY = 65534
OWN_FILE = "nba_dq.sqlite"
PLATFORM_FILES = [f"{d}.sqlite" for d in PLATFORM_DATASETS]
# SQLite creates these beside a WAL-mode file whenever it is read (README, "What nbadq writes"); they hold no data.
SIDECARS = [f"{name}{suffix}" for name in PLATFORM_FILES for suffix in ("-wal", "-shm")]
CLEAN_GAME_DATES = 7  # game dates of the clean season


def stranger_warehouse(clean_template: Path, root: Path) -> Path:
    """A copy of the clean season holding only platform files, as someone else's tool would leave it."""
    copy_warehouse(clean_template, root)
    (root / OWN_FILE).unlink(missing_ok=True)
    return root


def gx_uncommitted() -> Path:
    """Where the GX project of this test process writes validation results and Data Docs."""
    return Path(os.environ["NBADQ_PROJECT_ROOT"]) / "uncommitted"


def _can_drop_privileges() -> str | None:
    """Why the subprocess cannot run as an unprivileged user here, or None when it can."""
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        return "needs root and setpriv to run nbadq as an unprivileged user"
    probe = subprocess.run(["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", sys.executable,
                            "-c", "import nbadq.cli.main"], cwd="/", capture_output=True, timeout=60)
    return None if probe.returncode == 0 else f"user {NOBODY} cannot import nbadq from {ROOT}"


_WHY_NOT = _can_drop_privileges()
needs_unprivileged = pytest.mark.skipif(_WHY_NOT is not None, reason=str(_WHY_NOT))


def run_unprivileged(args: list[str], cwd: Path, project: Path) -> Result:
    """`nbadq ARGS` as user 65534 with the GX project `project` (which that user owns)."""
    env = {**os.environ, "HOME": str(cwd), "NBADQ_PROJECT_ROOT": str(project)}
    env.pop("NBADQ_DEBUG", None)
    proc = subprocess.run(["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", sys.executable,
                           "-m", "nbadq.cli.main", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=180)
    return Result(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A directory user 65534 can traverse (pytest's tmp_path is private to root), removed afterwards."""
    base = Path(tempfile.mkdtemp(prefix="nbadq-hostile-"))
    os.chmod(base, 0o755)
    try:
        yield base
    finally:
        for dirpath, dirnames, _ in os.walk(base):  # give root back the bits the test took away
            for name in dirnames:
                os.chmod(os.path.join(dirpath, name), 0o755)
        shutil.rmtree(base)


def unprivileged_project(base: Path) -> Path:
    """A copy of the GX project owned by user 65534, so its uncommitted/ is writable by that user only."""
    project = base / "gx"
    project.mkdir()
    source = Path(os.environ["NBADQ_PROJECT_ROOT"])
    for name in GX_PROJECT_FILES:
        (shutil.copytree if (source / name).is_dir() else shutil.copy2)(source / name, project / name)
    for dirpath, dirnames, filenames in os.walk(project):
        for name in [*dirnames, *filenames, ""]:
            os.chown(os.path.join(dirpath, name), NOBODY, NOBODY)
    return project


@needs_unprivileged
def test_read_only_warehouse_validates(clean_template, shared_dir):
    wh = stranger_warehouse(clean_template, shared_dir / "snapshot")
    for name in PLATFORM_FILES:
        os.chmod(wh / name, 0o444)
    os.chmod(wh, 0o555)  # an archived snapshot: owned by root, nobody else may write there
    project = unprivileged_project(shared_dir)
    out = shared_dir / "out"
    out.mkdir()
    os.chown(out, NOBODY, NOBODY)
    before = tree_hash(wh)
    result = run_unprivileged(["validate", "--warehouse", str(wh), "--json", str(out / "v.json")], shared_dir,
                              project)
    assert (result.code, result.stderr) == (0, ""), result
    assert result.stdout.splitlines()[-1] == "result: all rules pass"
    assert tree_hash(wh) == before  # nothing created beside the platform files, not even SQLite's -wal/-shm
    state = sorted((project / "uncommitted" / "state").glob(f"snapshot-*/{OWN_FILE}"))
    assert len(state) == 1 and state[0].stat().st_uid == NOBODY  # the calendar went to the state directory
    assert len(json.loads((out / "v.json").read_text())["calendar"]["game_dates"]) == CLEAN_GAME_DATES


def test_uri_characters_in_warehouse_path(clean_template, tmp_path):
    name = "wq?x#y%41z"  # `?` would end the path in a SQLite URI, `#` start a fragment, `%41` decode to `A`
    wh = stranger_warehouse(clean_template, tmp_path / name)
    out = tmp_path / "v.json"
    result = run_nbadq(["validate", "--warehouse", str(wh), "--checkpoint", "raw", "--json", str(out)],
                       cwd=tmp_path)
    assert (result.code, result.stderr) == (0, ""), result
    assert sorted(os.listdir(tmp_path)) == sorted([name, "v.json"])  # no `wq` created beside the warehouse
    assert sorted(os.listdir(wh)) == sorted(PLATFORM_FILES + [OWN_FILE] + SIDECARS)
    doc = json.loads(out.read_text())
    assert (doc["warehouse"], len(doc["calendar"]["game_dates"])) == (f"local:{wh}", CLEAN_GAME_DATES)


def test_validate_adds_only_documented_files(clean_template, tmp_path):
    wh = stranger_warehouse(clean_template, tmp_path / "warehouse")
    platform = tree_hash(wh)
    result = run_nbadq(["validate", "--warehouse", str(wh)], cwd=tmp_path)
    assert (result.code, result.stderr) == (0, ""), result
    # The README's list, exactly: nbadq's own nba_dq.sqlite (rollback journal, so no sidecars of its own) and
    # SQLite's empty -wal and its -shm index beside each WAL-mode platform file it read.
    assert sorted(os.listdir(wh)) == sorted(PLATFORM_FILES + [OWN_FILE] + SIDECARS)
    assert tree_hash(wh, ignore=[OWN_FILE, *SIDECARS]) == platform  # platform files byte for byte unchanged
    assert all((wh / name).stat().st_size == 0 for name in SIDECARS if name.endswith("-wal"))
    assert os.listdir(tmp_path) == ["warehouse"]


def test_warehouse_that_is_a_file(tmp_path):
    target = tmp_path / "nba_raw.sqlite"
    target.write_bytes(b"")
    before = tree_hash(tmp_path)
    result = run_nbadq(["validate", "--warehouse", str(target)], cwd=tmp_path)
    assert_one_line_error(result, f"warehouse '{target}' is a file, not a directory", "--warehouse")
    assert "does not exist" not in result.stderr
    assert tree_hash(tmp_path) == before
