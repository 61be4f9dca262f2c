"""Benchmark: `nbadq fill` refilling 200 failing dates through `nbadq serve-local` (case `precompute`), and the
whole pipeline from 20 failing analytics dates (case `pipeline`, see fill_pipeline.py).

The service takes 0.5 s per request and serves 5 at a time, so no client can do better than
ceil(200 / 5) x 0.5 s = 20 s. nbadq's own work per date (the ledger lines, the proof by re-check, scheduling) sits
between one call and the next on each of the 5 slots; the target is a fill phase within 1.25x of the ideal.

What is timed: the fill phase as nbadq reports it (its JSON `timing.fill_s`, from the first request to the last
proof). The validations before and after (Great Expectations) are reported separately. Per date, from the
ledger: nbadq's overhead = time from writing "send" to writing the outcome, minus the HTTP attempt itself.

    .venv/bin/python bench/fill.py [precompute|pipeline]   # default both; prints Markdown, and replaces that
                                                           # case's section of bench/RESULTS-fill.md
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from nbadq import game_dates  # noqa: E402
from nbadq.config import load_settings  # noqa: E402
from nbadq.sample.build import build_sample  # noqa: E402
from nbadq.validation import recheck_dates  # noqa: E402
from nbadq.warehouse import open_warehouse  # noqa: E402
from nbadq.warehouse.local import open_connection  # noqa: E402

DATES, LATENCY, CONCURRENCY, SEASONS, SEED = 200, 0.5, 5, [2023, 2024], 7
NBADQ = [sys.executable, "-m", "nbadq.cli.main"]
PHASE4_TABLES = (("nba_precompute.player_composite_factors", "game_date"),
                 ("nba_precompute.player_shot_zone_analysis", "analysis_date"),
                 ("nba_precompute.team_defense_zone_analysis", "analysis_date"),
                 ("nba_precompute.player_daily_cache", "cache_date"),
                 ("nba_predictions.ml_feature_store_v2", "game_date"))
CONFIG = f"""[precompute]
kind = "phase4"
url_env = "NBADQ_PHASE4_URL"
concurrency = {CONCURRENCY}
timeout_seconds = 60
"""


def break_precompute(root: Path, wanted: int) -> list[str]:
    """Make exactly `wanted` processable dates fail precompute.completeness (deleting their Phase 4 rows)."""
    rows = game_dates.refresh(open_warehouse(load_settings(str(root))))
    processable = [dt.date.fromisoformat(r["game_date"]) for r in rows if r["is_processable"]]
    failing = set(recheck_dates(str(root), ["precompute.completeness"], processable)["precompute.completeness"])
    extra = [d.isoformat() for d in processable if d.isoformat() not in failing][: wanted - len(failing)]
    conn = open_connection(root, write=True)
    for name, column in PHASE4_TABLES:
        conn.executemany(f"DELETE FROM {name} WHERE {column} = ?", [(d,) for d in extra])
    conn.close()
    chosen = sorted(failing | set(extra))
    assert len(chosen) == wanted, f"only {len(chosen)} processable dates in seasons {SEASONS}"
    return chosen


def start_service(root: Path, work: Path, flags: list[str] | None = None) -> tuple[subprocess.Popen, str]:
    port_file = work / f"port-{root.name}"
    flags = ["--latency", str(LATENCY), "--max-concurrency", str(CONCURRENCY)] if flags is None else flags
    proc = subprocess.Popen([*NBADQ, "serve-local", "--warehouse", str(root), "--port", "0", "--port-file",
                             str(port_file), *flags, "--quiet"], stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while not (port_file.exists() and port_file.read_text().strip()):
        if time.monotonic() > deadline or proc.poll() is not None:
            raise SystemExit("serve-local did not start")
        time.sleep(0.05)
    return proc, f"http://127.0.0.1:{port_file.read_text().strip()}"


def per_date_overhead(ledger: Path) -> tuple[list[float], list[float]]:
    """Seconds per date that are nbadq's own (send -> outcome, minus the HTTP attempts), and the HTTP attempts
    as the client timed them."""
    sent: dict[str, dt.datetime] = {}
    http: dict[str, float] = {}
    out = []
    for line in ledger.read_text().splitlines():
        r = json.loads(line)
        at = dt.datetime.fromisoformat(r["at"])
        if r["event"] == "send":
            sent.setdefault(r["date"], at)
        elif r["event"] == "attempt":
            http[r["date"]] = http.get(r["date"], 0.0) + r["duration_s"]
        elif r["event"] == "outcome" and r["date"] in sent:
            out.append((at - sent[r["date"]]).total_seconds() - http[r["date"]])
    return out, list(http.values())


CASES = ("precompute", "pipeline")


def main(argv: list[str]) -> None:
    cases = argv or list(CASES)
    if any(c not in CASES for c in cases):
        raise SystemExit(f"usage: bench/fill.py [{'|'.join(CASES)}]...")
    work = Path(tempfile.mkdtemp(prefix="nbadq-bench-fill-"))
    try:
        for case in cases:
            if case == "precompute":
                text = run(work)
            else:
                from bench.fill_pipeline import run_case

                text = run_case(work, start_service)
            print(text)
            write_section(text)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def write_section(text: str) -> None:
    """Replace the section with the same title in RESULTS-fill.md (a case run alone keeps the other's)."""
    path = REPO / "bench" / "RESULTS-fill.md"
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    sections = ["## " + part for part in old.split("## ") if part.strip()]
    title = text.splitlines()[0].split(":")[0]
    kept = [s for s in sections if s.splitlines()[0].split(":")[0] != title]
    position = next((i for i, s in enumerate(sections) if s.splitlines()[0].split(":")[0] == title), len(kept))
    kept.insert(min(position, len(kept)), text)
    path.write_text("\n".join(s.rstrip("\n") + "\n" for s in kept), encoding="utf-8")


def run(work: Path) -> str:
    root = work / "warehouse"
    started = time.monotonic()
    build_sample(root, SEASONS, SEED)
    build_s = time.monotonic() - started
    chosen = break_precompute(root, DATES)
    (work / "fill.toml").write_text(CONFIG)
    service, url = start_service(root, work)
    try:
        started = time.monotonic()
        done = subprocess.run([*NBADQ, "fill", "--warehouse", str(root), "--layer", "precompute", "--workers",
                               str(CONCURRENCY), "--config", str(work / "fill.toml"), "--ledger",
                               str(work / "ledger.jsonl"), "--json", str(work / "fill.json")],
                              cwd=work, env={**os.environ, "NBADQ_PHASE4_URL": url}, capture_output=True, text=True)
        command_s = time.monotonic() - started
        import requests

        served = requests.get(f"{url}/_requests", timeout=10).json()
    finally:
        service.send_signal(signal.SIGTERM)
        service.wait(timeout=10)
    if done.returncode not in (0, 1):
        raise SystemExit(f"nbadq fill exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
    doc = json.loads((work / "fill.json").read_text())
    return report(doc, chosen, served, per_date_overhead(work / "ledger.jsonl"), command_s, build_s,
                  done.returncode)


def report(doc: dict, chosen: list[str], served: list[dict], timed: tuple[list[float], list[float]],
           command_s: float, build_s: float, code: int) -> str:
    overhead, client_http = timed
    ideal = math.ceil(DATES / CONCURRENCY) * LATENCY
    fill_s = doc["timing"]["fill_s"]
    outcomes = doc["outcomes"]["precompute"]
    counts = {s: sum(o["status"] == s for o in outcomes.values()) for s in ("filled", "silent_failure", "failed",
                                                                             "not_sent")}
    service = [r["duration_s"] for r in served]
    ratio = fill_s / ideal
    q = statistics.quantiles(overhead, n=20)
    lines = [
        f"## `nbadq fill`: {DATES} failing dates, serve-local at {LATENCY} s/request, {CONCURRENCY} at a time",
        "",
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}. "
        f"Sample warehouse: seasons {SEASONS[0]}-{SEASONS[-1]} (seed {SEED}, built in {build_s:.1f} s); "
        f"the Phase 4 rows of processable dates deleted until {DATES} fail precompute.completeness.",
        f"Command: `nbadq fill --layer precompute --workers {CONCURRENCY}` against "
        f"`nbadq serve-local --latency {LATENCY} --max-concurrency {CONCURRENCY}` (exit {code}).",
        "",
        "| measure | value |",
        "|---|---|",
        f"| dates planned / requests served | {len(doc['planned']['precompute'])} / {len(served)} |",
        f"| outcomes | {', '.join(f'{n} {s}' for s, n in counts.items() if n)} |",
        f"| ideal: ceil({DATES}/{CONCURRENCY}) x {LATENCY} s | {ideal:.1f} s |",
        f"| **fill phase (first request to last proof)** | **{fill_s:.2f} s = {ratio:.3f}x ideal** "
        f"(target <= 1.25x: {'met' if ratio <= 1.25 else 'MISSED'}) |",
        f"| nbadq overhead per date (send -> outcome, minus HTTP): median / p95 / max | "
        f"{statistics.median(overhead) * 1000:.1f} / {q[18] * 1000:.1f} / {max(overhead) * 1000:.1f} ms |",
        f"| service time per request (serve-local, incl. 0.5 s latency): mean / max | "
        f"{statistics.mean(service):.3f} / {max(service):.3f} s |",
        f"| HTTP attempt as nbadq timed it (service + HTTP + queueing): mean / max | "
        f"{statistics.mean(client_http):.3f} / {max(client_http):.3f} s |",
        f"| validation before (Great Expectations, nightly) | {doc['timing']['validate_before_s']:.1f} s |",
        f"| validation after (Great Expectations, nightly) | {doc['timing'].get('validate_after_s', 0):.1f} s |",
        f"| whole command (validate, fill, validate) | {command_s:.1f} s |",
        "",
        f"Run {dt.datetime.now(dt.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')} with `bench/fill.py`.",
    ]
    assert sorted(doc["planned"]["precompute"]) == chosen
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main(sys.argv[1:])
