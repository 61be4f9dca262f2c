"""Refilling the failing dates with the simulated processors (what `nbadq fill` drives through serve-local)
clears the remediable rules, except what an upstream gap makes impossible, and creates no false zero runs."""

from __future__ import annotations

import datetime as dt
import shutil

from nbadq.sample.processors import run_phase3, run_phase4
from nbadq.sample.processors.phase4_rows import OUTPUT_TABLES
from nbadq.warehouse.local import open_connection
from tests.sample.oracle import failing_dates


AFTER_PHASE4 = ("analytics_players_dropped", "dnp_written_as_played")  # sample defects drawn after Phase 4


def _rows(conn, day: str) -> dict[str, list[tuple]]:
    out = {}
    for name, t in OUTPUT_TABLES.items():
        cols = ", ".join(c for c in t.column_names if c != "processed_at")
        out[name] = sorted(conn.execute(f"SELECT {cols} FROM {t.qualified} WHERE {t.date_column} = ?", (day,)))
    return out


def test_refill_clears_what_it_can(one_season, tmp_path):
    source, manifest = one_season
    root = tmp_path / "warehouse"
    shutil.copytree(source, root)
    expected = manifest["expected_failing_dates"]
    conn = open_connection(root, write=True)
    for day in sorted(set(expected["analytics.completeness"]) | set(expected["analytics.minutes_null_rate"])):
        d = dt.date.fromisoformat(day)
        assert run_phase3(conn, d, d, ["PlayerGameSummaryProcessor"])[0]["status"] == "success"
    for day in expected["precompute.completeness"]:
        run_phase4(conn, dt.date.fromisoformat(day), [], backfill_mode=True)
    conn.close()
    after = failing_dates(root)
    raw_gap = expected["raw.gamebook_completeness"]
    assert after["analytics.completeness"] == raw_gap  # a Phase 3 re-run cannot invent a missing gamebook
    assert after["analytics.minutes_null_rate"] == []
    assert after["precompute.completeness"] == []
    assert after["reference.false_zero_runs"] == expected["reference.false_zero_runs"]
    untouched = ("predictions.completeness", "grading.completeness", "precompute.early_season")
    assert {r: after[r] for r in untouched} == {r: expected[r] for r in untouched}


def test_rerun_of_a_built_date_reproduces_the_builders_rows(one_season, tmp_path):
    """The builder's set-based Phase 4 and the per-date processor are the same computation."""
    source, manifest = one_season
    root = tmp_path / "warehouse"
    shutil.copytree(source, root)
    conn = open_connection(root, write=True)
    expected = manifest["expected_failing_dates"]
    broken = {d for rule in ("precompute.completeness", "precompute.duplicate_keys") for d in expected[rule]}
    days = ["2024-10-25", "2024-11-05", "2025-01-15", "2025-03-19", "2025-05-20"]  # bootstrap ... playoffs
    assert not broken & set(days)
    # Defects that changed player_game_summary after Phase 4 was built (their raw rows are intact): Phase 3 re-run
    # first, so the per-date processor reads the rolling windows the builder read.
    for day in (d for x in manifest["defects"] if x["kind"] in AFTER_PHASE4 for d in x["dates"]):
        run_phase3(conn, dt.date.fromisoformat(day), dt.date.fromisoformat(day), ["PlayerGameSummaryProcessor"])
    for day in days:
        before = _rows(conn, day)
        run_phase4(conn, dt.date.fromisoformat(day), [], backfill_mode=True)
        assert _rows(conn, day) == before, day
    conn.close()
