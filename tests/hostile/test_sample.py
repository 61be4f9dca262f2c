"""`nbadq sample --out DIR` replaces only what an earlier sample provably wrote there (issue 8)."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from nbadq.sample.build import build_sample
from tests.hostile.harness import assert_one_line_error, run_nbadq, tree_hash


@pytest.fixture(scope="module")
def earlier_sample(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("sample") / "warehouse"
    build_sample(root, [2024], 7)
    return root


def _foreign_file(out: Path) -> None:
    (out / "notes.txt").write_text("mine, not nbadq's")


def _edited_file(out: Path) -> None:
    with sqlite3.connect(out / "nba_raw.sqlite") as conn:
        conn.execute("DELETE FROM nbac_schedule WHERE rowid = 1")
    conn.close()


def _fake_manifest(out: Path) -> None:
    (out / "nbadq_sample.json").write_text("{}")


def _manifest_lists_a_foreign_file(out: Path) -> None:
    doc = json.loads((out / "nbadq_sample.json").read_text())
    doc["files"]["precious.sqlite"] = "0" * 64  # a hand-made entry: the file's real hash differs
    (out / "nbadq_sample.json").write_text(json.dumps(doc))
    (out / "precious.sqlite").write_text("keep me")


def _foreign_subdirectory(out: Path) -> None:
    (out / "backups").mkdir()
    (out / "backups" / "nba_raw.sqlite").write_text("keep me")


@pytest.mark.parametrize("tamper, needle", [
    (_foreign_file, "it holds 'notes.txt'"),
    (_edited_file, "'nba_raw.sqlite' changed since the sample wrote it"),
    (_fake_manifest, "holds no nbadq sample manifest listing its files"),
    (_manifest_lists_a_foreign_file, "'precious.sqlite' changed since the sample wrote it"),
    (_foreign_subdirectory, "it holds 'backups'"),
])
def test_sample_replaces_only_its_own_files(earlier_sample, tmp_path, tamper, needle):
    out = tmp_path / "warehouse"
    shutil.copytree(earlier_sample, out)
    tamper(out)
    before = tree_hash(tmp_path)
    result = run_nbadq(["sample", "--out", out, "--seasons", "2024"], cwd=tmp_path)
    assert_one_line_error(result, f"--out {out}", needle, "refusing to replace")
    assert tree_hash(tmp_path) == before  # not one file replaced, and no temporary directory left


def test_sample_reruns_over_its_own_validated_output(earlier_sample, tmp_path):
    """The other side of the case (what `make demo` does): a validate run adds nba_dq.sqlite and SQLite's -wal/-shm
    files beside the listed ones; they are nbadq's, and a rerun replaces the directory whole."""
    out = tmp_path / "warehouse"
    shutil.copytree(earlier_sample, out)
    for name in ("nba_dq.sqlite", "nba_dq.sqlite-wal", "nba_raw.sqlite-wal", "nba_raw.sqlite-shm"):
        (out / name).write_bytes(b"state")
    result = run_nbadq(["sample", "--out", out, "--seasons", "2024"], cwd=tmp_path)
    assert result.code == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["warehouse"]
    assert _by_name(out) == _by_name(earlier_sample)  # the same seed, byte for byte; the state files are gone


def _by_name(root: Path) -> dict[str, str]:
    return {Path(path).name: digest for path, digest in tree_hash(root).items()}
