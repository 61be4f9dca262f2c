"""Benchmark of the platform simulator: `nbadq sample` build time and sizes for 1, 5 and 10 seasons, and the
per-date cost of the simulated processors on the 5-season warehouse (what serve-local pays per request).

    .venv/bin/python bench/sample.py [--dates 200]

Prints Markdown tables. Timings are wall clock and process CPU (the machine may be shared).
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from nbadq.sample.build import build_sample  # noqa: E402
from nbadq.sample.processors import run_phase3, run_phase4  # noqa: E402
from nbadq.warehouse.local import open_connection  # noqa: E402

BUILDS = (("1 season (2024)", [2024]), ("5 seasons (2021-2025)", list(range(2021, 2026))),
          ("10 seasons (2016-2025)", list(range(2016, 2026))))
SHORT = {"nba_raw.nbac_schedule": "schedule", "nba_raw.nbac_gamebook_player_stats": "gamebook",
         "nba_raw.bettingpros_player_points_props": "props", "nba_analytics.player_game_summary": "analytics",
         "nba_analytics.team_offense_game_summary": "team off.", "nba_analytics.team_defense_game_summary": "team def.",
         "nba_analytics.upcoming_player_game_context": "context", "nba_precompute.player_composite_factors": "PCF",
         "nba_precompute.player_shot_zone_analysis": "PSZA", "nba_precompute.team_defense_zone_analysis": "TDZA",
         "nba_precompute.player_daily_cache": "PDC", "nba_predictions.ml_feature_store_v2": "MLFS",
         "nba_predictions.player_prop_predictions": "predictions", "nba_predictions.prediction_accuracy": "grading",
         "nba_reference.processor_run_history": "run history"}


def _size_mb(root: Path) -> float:
    return sum(p.stat().st_size for p in root.iterdir()) / 1e6


def _percentiles(values: list[float]) -> str:
    ordered = sorted(values)
    p90 = ordered[int(0.9 * (len(ordered) - 1))]
    return f"{statistics.median(ordered):.1f} | {p90:.1f} | {ordered[-1]:.1f}"


def bench_builds(work: Path) -> Path:
    print("| build | wall s | CPU s | game dates | rows (all tables) | disk MB |")
    print("|---|---:|---:|---:|---:|---:|")
    counts = []
    for label, seasons in BUILDS:
        out = work / f"w{len(seasons)}"
        wall, cpu = time.perf_counter(), time.process_time()
        doc = build_sample(out, seasons, 7)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        counts.append((label, doc["tables"]))
        print(f"| {label} | {wall:.1f} | {cpu:.1f} | {doc['game_dates']} | {sum(doc['tables'].values()):,} "
              f"| {_size_mb(out):.0f} |")
    print()
    print("| rows | " + " | ".join(SHORT.values()) + " |")
    print("|---|" + "---:|" * len(SHORT))
    for label, tables in counts:
        print(f"| {label} | " + " | ".join(f"{tables[t]:,}" for t in SHORT) + " |")
    return work / "w5"


def bench_processors(root: Path, dates: int) -> None:
    conn = open_connection(root, write=True)
    days = [dt.date.fromisoformat(d) for (d,) in conn.execute(
        "SELECT DISTINCT game_date FROM nba_analytics.player_game_summary WHERE game_date >= '2021-11-02' "
        "ORDER BY game_date")]
    step = max(1, len(days) // dates)
    sample = days[::step][:dates]
    p4, p3, p3_all = [], [], []
    for day in sample:
        t = time.perf_counter()
        run_phase4(conn, day, [], backfill_mode=True)
        p4.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        run_phase3(conn, day, day, ["PlayerGameSummaryProcessor"])
        p3.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        run_phase3(conn, day, day, [])  # every Phase 3 processor: what serve-local runs for a date by default
        p3_all.append((time.perf_counter() - t) * 1000)
    conn.close()
    print()
    print(f"| processor call on the 5-season warehouse ({len(sample)} game dates) | median ms | p90 ms | max ms |")
    print("|---|---:|---:|---:|")
    print(f"| run_phase4 (all five processors, one date) | {_percentiles(p4)} |")
    print(f"| run_phase3 (PlayerGameSummaryProcessor, one date) | {_percentiles(p3)} |")
    print(f"| run_phase3 (all processors: four tables, one date) | {_percentiles(p3_all)} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dates", type=int, default=200, help="dates for the per-date timings (default 200)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="nbadq-bench-sample-"))
    try:
        five = bench_builds(work)
        bench_processors(five, args.dates)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
