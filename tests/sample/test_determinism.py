"""Same seed, same warehouse (row for row); another seed, another warehouse. Built through the CLI."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

from nbadq.cli.main import main
from nbadq.schema import TABLES


def differing_tables(a: Path, b: Path) -> list[str]:
    """Tables whose rows differ between two warehouses, compared inside SQLite."""
    conn = sqlite3.connect(":memory:")
    out = []
    for t in TABLES:
        for alias, root in (("a", a), ("b", b)):
            conn.execute(f"ATTACH DATABASE 'file:{root / (t.dataset + '.sqlite')}?mode=ro' AS {alias}")
        counts = conn.execute(f"SELECT (SELECT COUNT(*) FROM a.{t.name}), (SELECT COUNT(*) FROM b.{t.name})")
        a_count, b_count = counts.fetchone()
        # Same number of rows and no row of one missing from the other (EXCEPT, both ways).
        if a_count != b_count or conn.execute(
                f"SELECT EXISTS (SELECT * FROM a.{t.name} EXCEPT SELECT * FROM b.{t.name}) "
                f"OR EXISTS (SELECT * FROM b.{t.name} EXCEPT SELECT * FROM a.{t.name})").fetchone()[0]:
            out.append(t.qualified)
        conn.execute("DETACH DATABASE a")
        conn.execute("DETACH DATABASE b")
    conn.close()
    return out


def _manifest(root: Path) -> dict:
    return json.loads((root / "nbadq_sample.json").read_text())


def test_same_seed_rebuilds_the_same_warehouse_over_an_old_sample(one_season, tmp_path, capsys):
    root, manifest = one_season
    out = tmp_path / "again"
    shutil.copytree(root, out)  # an earlier sample, validated since (nbadq's state file and SQLite's sidecars)...
    for name in ("nba_dq.sqlite", "nba_dq.sqlite-shm", "nba_analytics.sqlite-wal"):
        (out / name).write_bytes(b"state")
    assert main(["sample", "--out", str(out), "--seasons", "2024", "--seed", "7"]) == 0
    assert _manifest(out) == manifest
    assert differing_tables(out, root) == []
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in root.iterdir())  # ...is replaced whole
    assert sorted(p.name for p in tmp_path.iterdir()) == ["again"]  # no temporary directory left behind
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].startswith(f"built sample warehouse {out} (seasons 2024, seed 7, ")
    assert any(line.split()[:2] == ["missing_phase4", "40"] for line in printed)
    # Every dated suite rule is broken by the sample, but raw.freshness: measured against the run's clock, it does
    # not apply to a historical sample (nothing to find without --as-of).
    expected = manifest["expected_failing_dates"]
    rules = len(expected)
    assert all(days for rule, days in expected.items() if rule != "raw.freshness") and expected["raw.freshness"] == []
    assert printed[-1] == f"expected failures: {rules - 1} of {rules} date rules; see {out / 'nbadq_sample.json'}"


def test_another_seed_builds_another_warehouse(one_season, tmp_path):
    root, manifest = one_season
    out = tmp_path / "seed8"
    assert main(["sample", "--out", str(out), "--seasons", "2024", "--seed", "8"]) == 0
    other = _manifest(out)
    assert other["seed"] == 8 and other["expected_failing_dates"] != manifest["expected_failing_dates"]
    assert differing_tables(out, root) == [t.qualified for t in TABLES]


def test_a_sample_refilled_through_serve_local_can_be_rebuilt(one_season, tmp_path):
    """serve-local's simulated processors are nbadq writing the sample's files: closing them records the new
    hashes in the manifest, so `make demo` (sample, validate, fill, ...) can run again over its own warehouse."""
    import datetime as dt

    from nbadq.backfill.local_service.processing import Processing

    root, manifest = one_season
    out = tmp_path / "again"
    shutil.copytree(root, out)
    processing = Processing(out)
    day = manifest["expected_failing_dates"]["precompute.completeness"][0]
    processing.phase4(dt.date.fromisoformat(day), [], backfill_mode=True)
    processing.close()
    files = _manifest(out)["files"]
    assert files["nba_precompute.sqlite"] != manifest["files"]["nba_precompute.sqlite"]  # it did change...
    assert files["nba_raw.sqlite"] == manifest["files"]["nba_raw.sqlite"]
    assert main(["sample", "--out", str(out), "--seasons", "2024", "--seed", "7"]) == 0  # ...and is still ours
    assert _manifest(out) == manifest
