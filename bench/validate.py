"""Benchmark: the nightly checkpoint on sample warehouses of 1, 5 and 10 seasons.

For each size: median wall time of `run_checkpoint(nightly)` over whole history (GX imported beforehand, so its
import is excluded), the SQL statements it sends (GX's, and those of nbadq's direct engine: calendar, metrics,
failing dates beyond GX's 200 rows), and the median time of one hand-written SQLite pass (bench/handwritten.py)
computing the same failing dates, which must agree. Warehouses are cached under uncommitted/bench/ by (seasons,
seed). Prints a Markdown table and writes bench/RESULTS-validate.md.

    .venv/bin/python bench/validate.py [--runs 3] [--sizes 1,5,10]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

SEASONS = {1: list(range(2025, 2026)), 5: list(range(2021, 2026)), 10: list(range(2016, 2026))}
SEED = 7
WINDOW = (dt.date(2026, 3, 2), dt.date(2026, 3, 8))  # 7 days of the 2025-26 season, which every size holds


def private_gx_project() -> Path:
    """Validation results and Data Docs of the benchmark go to a throwaway copy of the project."""
    copy = Path(tempfile.mkdtemp(prefix="nbadq-bench-gx-"))
    for name in ("great_expectations.yml", "expectations", "checkpoints", "validation_definitions"):
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, copy / name)
    return copy


def generator_digest() -> str:
    """A digest of the code that writes a sample warehouse: a cached warehouse is reused only when it matches."""
    sources = sorted((ROOT / "nbadq" / "sample").rglob("*.py")) + [ROOT / "nbadq" / "schema.py"]
    return hashlib.sha256(b"".join(p.read_bytes() for p in sources)).hexdigest()


def warehouse(size: int) -> tuple[Path, float | None]:
    from nbadq.sample.build import build_sample
    from nbadq.sample.manifest import read_manifest

    out = ROOT / "uncommitted" / "bench" / f"warehouse-{size}"
    stamp = out.with_name(out.name + ".generator")
    manifest = read_manifest(out) if out.exists() else None
    same = manifest and manifest.get("seasons") == SEASONS[size] and manifest.get("seed") == SEED
    if same and stamp.exists() and stamp.read_text() == generator_digest():
        return out, None
    start = time.perf_counter()
    build_sample(out, SEASONS[size], SEED)
    stamp.write_text(generator_digest())
    return out, time.perf_counter() - start


def failing_by_rule(doc: dict) -> dict[str, list[str]]:
    out: dict[str, set[str]] = {}
    for layer in doc["layers"].values():
        for e in layer["expectations"]:
            if e["failing_dates"]:
                out.setdefault(e["rule"], set()).update(e["failing_dates"])
    return {k: sorted(v) for k, v in out.items()}


class Statements:
    """Counts the statements one run sends: GX's (every SQLAlchemy engine) and the direct engine's (each
    LocalWarehouse.query is one statement; the method itself runs unchanged)."""

    def __init__(self) -> None:
        self.gx = self.direct = 0

    def __enter__(self) -> "Statements":
        from sqlalchemy import event
        from sqlalchemy.engine import Engine

        from nbadq.warehouse.local import LocalWarehouse

        self._query = LocalWarehouse.query
        event.listen(Engine, "before_cursor_execute", self._count_gx)
        counter, query = self, self._query

        def counted(wh, sql):  # noqa: ANN001, ANN202
            counter.direct += 1
            return query(wh, sql)

        LocalWarehouse.query = counted
        return self

    def _count_gx(self, *_args) -> None:  # noqa: ANN002
        self.gx += 1

    def __exit__(self, *_exc) -> None:  # noqa: ANN002
        from sqlalchemy import event
        from sqlalchemy.engine import Engine

        from nbadq.warehouse.local import LocalWarehouse

        event.remove(Engine, "before_cursor_execute", self._count_gx)
        LocalWarehouse.query = self._query

    def __str__(self) -> str:
        return f"{self.gx + self.direct} ({self.gx} GX + {self.direct} direct)"


def measure(size: int, runs: int) -> dict:
    from handwritten import failing_dates
    from nbadq.validation import run_checkpoint
    from nbadq.warehouse.local import open_connection

    root, built = warehouse(size)
    times, doc, nightly_statements = [], None, Statements()
    for _ in range(runs):
        with Statements() as nightly_statements:
            start = time.perf_counter()
            doc = run_checkpoint(str(root), "nightly")
            times.append(time.perf_counter() - start)
    window_times, window_statements = [], Statements()
    since, until = WINDOW
    for _ in range(runs):  # the nightly CI shape: the last week only, lookback reads included
        with Statements() as window_statements:
            start = time.perf_counter()
            run_checkpoint(str(root), "nightly", since, until)
            window_times.append(time.perf_counter() - start)
    hand_times, hand = [], {}
    for _ in range(runs):
        conn = open_connection(root)
        start = time.perf_counter()
        hand = failing_dates(conn)
        hand_times.append(time.perf_counter() - start)
        conn.close()
    gx_dates = failing_by_rule(doc)
    agree = hand == gx_dates
    return {"size": size, "built_s": built, "nightly_s": statistics.median(times),
            "statements": str(nightly_statements), "window_s": statistics.median(window_times),
            "window_statements": str(window_statements),
            "hand_s": statistics.median(hand_times), "agree": agree,
            "failing_dates": sum(len(v) for v in gx_dates.values()), "game_dates": len(doc["calendar"]["game_dates"])}


def where_time_goes(size: int, top: int = 5) -> list[str]:
    """One more whole-history run on `size`: the time of each statement GX sends, from sending it to its first row
    (SQLite computes a grouped result before returning its first row, so nearly all of it), the rule it belongs to,
    and the SQL's share of the run."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from nbadq.rules.project import load_project
    from nbadq.validation import run_checkpoint

    project = load_project(Path(os.environ["NBADQ_PROJECT_ROOT"]))
    timed: list[tuple[float, str]] = []

    def before(conn, cursor, statement, params, context, many):  # noqa: ANN001, ANN202
        context.bench_started = time.perf_counter()

    def after(conn, cursor, statement, params, context, many):  # noqa: ANN001, ANN202
        timed.append((time.perf_counter() - context.bench_started, statement))

    event.listen(Engine, "before_cursor_execute", before)
    event.listen(Engine, "after_cursor_execute", after)
    try:
        start = time.perf_counter()
        run_checkpoint(str(warehouse(size)[0]), "nightly")
        total = time.perf_counter() - start
    finally:
        event.remove(Engine, "before_cursor_execute", before)
        event.remove(Engine, "after_cursor_execute", after)

    def rule_of(statement: str) -> str:
        for layer in project.layers.values():
            for e in layer.expectations:
                head = (e.query or "").split("{batch}")[0][:200]
                if e.query and statement.startswith(head) and layer.batch_query in statement:
                    return e.rule
        return "(GX: " + " ".join(statement.split())[:40] + "...)"

    sql = sum(t for t, _ in timed)
    seasons = f"{size} season{'s' if size > 1 else ''}"
    lines = [f"Where the time goes ({seasons}, one more whole-history run): {total:.2f} s, of which "
             f"{sql:.2f} s in the {len(timed)} statements GX sends, the rest GX's own work (metric graph, results, "
             f"Data Docs) and nbadq's (calendar, document). Slowest statements:", ""]
    lines += [f"- {t:.2f} s {rule_of(st)}" for t, st in sorted(timed, key=lambda x: -x[0])[:top]]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", default="1,5,10")
    args = parser.parse_args()
    os.environ["NBADQ_PROJECT_ROOT"] = str(private_gx_project())
    load_before = f"{os.getloadavg()[0]:.1f}"
    start = time.perf_counter()
    import great_expectations  # noqa: F401  (excluded from the timings, as the target says)

    gx_import = time.perf_counter() - start
    results = [measure(int(s), args.runs) for s in args.sizes.split(",")]
    from nbadq.rules.project import load_project

    expectations = list(load_project(Path(os.environ["NBADQ_PROJECT_ROOT"])).rules())
    rules = len({e.rule for e in expectations})
    lines = [
        f"GX import (excluded below): {gx_import:.1f} s. Median of {args.runs} runs each, measured in one run. "
        f"Rules: {rules} in {len(expectations)} expectations. Load average before: {load_before}, after: "
        f"{os.getloadavg()[0]:.1f} (2 cores).",
        "",
        f"| seasons | game dates | failing dates | nightly (GX) | SQL statements | hand-written SQL | ratio | "
        f"agree | nightly per season | 7-day window {WINDOW[0]}..{WINDOW[1]} | its statements |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(f"| {r['size']} | {r['game_dates']} | {r['failing_dates']} | {r['nightly_s']:.2f} s | "
                     f"{r['statements']} | {r['hand_s']:.2f} s | {r['nightly_s'] / r['hand_s']:.1f}x | "
                     f"{'yes' if r['agree'] else 'NO'} | {r['nightly_s'] / r['size']:.2f} s | "
                     f"{r['window_s']:.2f} s | {r['window_statements']} |")
    sizes = [int(s) for s in args.sizes.split(",")]
    lines += [""] + where_time_goes(5 if 5 in sizes else max(sizes))  # 5 seasons: the target size
    text = "\n".join(lines)
    print(text)
    (HERE / "RESULTS-validate.md").write_text(text + "\n")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
