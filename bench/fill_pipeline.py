"""Benchmark case: `nbadq fill` through the whole pipeline, 20 failing analytics dates whose cascades overlap.

A small clean warehouse (the tests' mini house: 2 games a day, every day from the 2024-25 opener for DAYS days)
loses the player_game_summary rows of 20 processable dates, every other day. Each refilled analytics date makes
Phase 4 stale for the processable dates up to 21 days after it, then their predictions and grading (contract,
section 6), so the 20 cascades overlap into one step graph of ~4 x 60 steps. serve-local answers all four
contracts with a latency per layer; the limits are the services': 5 Phase 3 and 5 Phase 4 requests at once, one
prediction batch at a time, GRADING_LIMIT gradings.

Measured against the step graph nbadq planned (`nbadq.backfill.plan.build_plan`, the same function `fill` runs):
- the ideal: the graph scheduled with zero overhead under the limits (each request starts as soon as every step it
  depends on is done and its layer has room, earliest date first, as the runner does) — the critical path under
  the limits; also the plain critical path (unlimited) and the serial bound of the one-at-a-time coordinator;
- requests sent (served by serve-local, retries and 409s included; status polls counted apart) against the
  minimum: each (layer, date) once, a Phase 3 run of contiguous dates as one request;
- correctness: every planned step `filled`, and in SQL every step's rows written during the run.

    .venv/bin/python bench/fill.py pipeline   # prints a Markdown section, writes it into bench/RESULTS-fill.md
"""

from __future__ import annotations

import datetime as dt
import heapq
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from nbadq.backfill.config import load_fill_config  # noqa: E402
from nbadq.backfill.plan import build_plan  # noqa: E402
from nbadq.layers import FILL_LAYERS  # noqa: E402
from nbadq.warehouse.local import open_connection  # noqa: E402
from tests.minihouse import PHASE3_TABLES, MiniHouse  # noqa: E402

OPENER = dt.date(2024, 10, 22)
DAYS = 76  # game days from the opener: the last cascade (14 Dec + 21 days) ends inside them
FAILING = [dt.date(2024, 11, 6) + dt.timedelta(days=2 * i) for i in range(20)]  # 6 Nov .. 14 Dec
LATENCY = {"analytics": 0.5, "precompute": 0.5, "predictions": 0.4, "grading": 0.25}
LIMITS = {"analytics": 5, "precompute": 5, "predictions": 1, "grading": 2}
POLL = 0.05  # the coordinator's status poll interval (and cap) in the bench's config
TEAMS = ("ATL BOS BKN CHA CHI CLE DAL DEN DET GSW HOU IND LAC LAL MEM MIA MIL MIN NOP NYK OKC ORL PHI PHX POR SAC "
         "SAS TOR UTA WAS").split()
NBADQ = [sys.executable, "-m", "nbadq.cli.main"]
CONFIG = f"""retry_base_seconds = 0.2
[analytics]
kind = "phase3"
url_env = "NBADQ_PHASE3_URL"
concurrency = {LIMITS['analytics']}
[precompute]
kind = "phase4"
url_env = "NBADQ_PHASE4_URL"
concurrency = {LIMITS['precompute']}
timeout_seconds = 60
[predictions]
kind = "coordinator"
url_env = "NBADQ_PREDICTIONS_URL"
poll_interval_seconds = {POLL}
poll_max_seconds = {POLL}
date_timeout_seconds = 300
[grading]
kind = "grading"
url_env = "NBADQ_GRADING_URL"
concurrency = {LIMITS['grading']}
timeout_seconds = 60
"""
CONTRACT_PATHS = {"/process-date-range": "analytics", "/process-date": "precompute", "/start": "predictions",
                  "/grade-date": "grading"}


def build_warehouse(root: Path) -> None:
    """Every rule passes (the mini house's clean pipeline, every day), then 20 analytics dates are lost."""
    house = MiniHouse(root)
    house.conn.execute("BEGIN")  # one transaction: the mini house commits every insert otherwise
    days = [OPENER + dt.timedelta(days=k) for k in range(DAYS)]
    for k, day in enumerate(days):
        teams = [TEAMS[(4 * k + i) % len(TEAMS)] for i in range(4)]  # 4 distinct teams a day
        house.game(day.isoformat(), teams[0], teams[1])
        house.game(day.isoformat(), teams[2], teams[3])
    for day in days:
        processable = (day - OPENER).days >= 14
        house.precompute(day.isoformat(), bootstrap=not processable)
        if processable:
            house.predictions(day.isoformat())
        for processor, qualified in PHASE3_TABLES.items():  # honest run history, as clean_season writes it
            count = house.conn.execute(f"SELECT COUNT(*) FROM {qualified} WHERE game_date = ?",
                                       (day.isoformat(),)).fetchone()[0]
            house.run(processor, day.isoformat(), "success", count)
    house.conn.executemany("DELETE FROM nba_analytics.player_game_summary WHERE game_date = ?",
                           [(d.isoformat(),) for d in FAILING])
    house.conn.execute("COMMIT")
    house.close()


def ideal_schedule(plan, limits: dict[str, int], latency: dict[str, float]) -> float:
    """Wall time of the step graph with zero overhead: list scheduling under the limits, earliest date first."""
    units = sorted(plan.calls, key=lambda c: (FILL_LAYERS.index(c.layer), c.dates[0]))
    deps = [{k for d in c.dates for k in plan.dependencies((c.layer, d))} - {(c.layer, d) for d in c.dates}
            for c in units]
    done: set = set()
    pending = list(range(len(units)))
    running: list[tuple[float, int]] = []
    busy = dict.fromkeys(limits, 0)
    now = 0.0
    while pending or running:
        for i in list(pending):
            layer = units[i].layer
            if deps[i] <= done and busy[layer] < limits[layer]:
                busy[layer] += 1
                pending.remove(i)
                heapq.heappush(running, (now + latency[layer], i))
        if not running:
            raise SystemExit("the step graph has a request that can never start")
        now, i = heapq.heappop(running)
        busy[units[i].layer] -= 1
        done |= {(units[i].layer, d) for d in units[i].dates}
    return now


def critical_path(plan, latency: dict[str, float]) -> float:
    """The longest dependency chain, without limits."""
    finish: dict = {}
    for c in sorted(plan.calls, key=lambda c: (FILL_LAYERS.index(c.layer), c.dates[0])):
        start = max((finish[k] for d in c.dates for k in plan.dependencies((c.layer, d)) if k in finish),
                    default=0.0)
        for d in c.dates:
            finish[(c.layer, d)] = start + latency[c.layer]
    return max(finish.values())


def step_times(ledger: Path) -> dict[str, list[float]]:
    """Per layer, seconds from each request's `send` record to its step's outcome (ledger timestamps)."""
    sent: dict[tuple[str, str], dt.datetime] = {}
    out: dict[str, list[float]] = {}
    for line in ledger.read_text().splitlines():
        r = json.loads(line)
        if r.get("event") not in ("send", "outcome") or "layer" not in r:
            continue
        key, at = (r["layer"], r["date"]), dt.datetime.fromisoformat(r["at"])
        if r["event"] == "send":
            sent.setdefault(key, at)
        elif key in sent:
            out.setdefault(r["layer"], []).append((at - sent[key]).total_seconds())
    return out


def plan_of(validate_json: Path, config: Path):
    doc = json.loads(validate_json.read_text())
    return build_plan(doc, load_fill_config(config).fillers)


def rewritten(root: Path, plan, since: str) -> dict[str, list[str]]:
    """Steps whose rows were not all written during the run (empty lists: every step landed)."""
    where = {"analytics": ("nba_analytics.player_game_summary", "processed_at", ""),
             "precompute": ("nba_predictions.ml_feature_store_v2", "processed_at", ""),
             "predictions": ("nba_predictions.player_prop_predictions", "created_at", " AND is_active = 1"),
             "grading": ("nba_predictions.prediction_accuracy", "graded_at", "")}
    conn = open_connection(root)
    bad: dict[str, list[str]] = {}
    for step in plan.steps:
        name, stamp, extra = where[step.layer]
        total, older = conn.execute(f"SELECT COUNT(*), SUM({stamp} < ?) FROM {name} WHERE game_date = ?{extra}",
                                    (since, step.date.isoformat())).fetchone()
        if not total or older:
            bad.setdefault(step.layer, []).append(f"{step.date} ({total} rows, {older or 0} older)")
    conn.close()
    return bad


def run_case(work: Path, start_service) -> str:
    root = work / "pipeline-warehouse"
    clock = time.monotonic()
    build_warehouse(root)
    build_s = time.monotonic() - clock
    config = work / "pipeline.toml"
    config.write_text(CONFIG)
    before = work / "pipeline-validate.json"
    subprocess.run([*NBADQ, "validate", "--warehouse", str(root), "--checkpoint", "nightly", "--json", str(before)],
                   cwd=work, capture_output=True, text=True)
    plan = plan_of(before, config)
    latencies = ",".join(f"{k}={v}" for k, v in LATENCY.items())
    service, url = start_service(root, work, ["--layer-latency", latencies, "--max-concurrency",
                                              str(LIMITS["precompute"]), "--grading-concurrency",
                                              str(LIMITS["grading"])])
    env = {**os.environ, **{f"NBADQ_{n}_URL": url for n in ("PHASE3", "PHASE4", "PREDICTIONS", "GRADING")}}
    since = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    try:
        clock = time.monotonic()
        done = subprocess.run([*NBADQ, "fill", "--warehouse", str(root), "--from-validate", str(before), "--config",
                               str(config), "--ledger", str(work / "pipeline-ledger.jsonl"), "--json",
                               str(work / "pipeline-fill.json")], cwd=work, env=env, capture_output=True, text=True)
        command_s = time.monotonic() - clock
        import requests

        served = requests.get(f"{url}/_requests", timeout=10).json()
    finally:
        service.terminate()
        service.wait(timeout=10)
    if done.returncode not in (0, 1):
        raise SystemExit(f"nbadq fill exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
    doc = json.loads((work / "pipeline-fill.json").read_text())
    return report(doc, plan, served, rewritten(root, plan, since), step_times(work / "pipeline-ledger.jsonl"),
                  build_s, command_s, done.returncode)


def report(doc: dict, plan, served: list[dict], not_landed: dict, times: dict[str, list[float]], build_s: float,
           command_s: float, code: int) -> str:
    # The graph measured here is the one the fill ran: same steps, layer by layer.
    assert doc["planned"] == {lp.layer: [d.isoformat() for d in lp.dates] for lp in plan.layers}, "plans differ"
    steps = {layer: len(plan.layer(layer).dates) for layer in FILL_LAYERS}
    outcomes = [o["status"] for by_date in doc["outcomes"].values() for o in by_date.values()]
    counts = {s: outcomes.count(s) for s in dict.fromkeys(outcomes)}
    sent = {layer: sum(1 for r in served if CONTRACT_PATHS.get(r["path"]) == layer) for layer in FILL_LAYERS}
    minimum = {layer: len(plan.layer(layer).calls) for layer in FILL_LAYERS}
    refused = sum(1 for r in served if r["path"] in CONTRACT_PATHS and not 200 <= (r["status"] or 0) < 300)
    polls = sum(1 for r in served if r["path"] == "/status")
    ideal = ideal_schedule(plan, LIMITS, LATENCY)
    chain = critical_path(plan, LATENCY)
    serial = steps["predictions"] * LATENCY["predictions"]
    fill_s = doc["timing"]["fill_s"]
    ratio = fill_s / ideal
    correct = counts == {"filled": sum(steps.values())} and not not_landed
    lines = [
        f"## `nbadq fill` pipeline: {len(FAILING)} failing analytics dates whose cascades overlap",
        "",
        f"Warehouse: the mini house (2 games a day, {DAYS} days from the {OPENER} opener; built in {build_s:.1f} s), "
        f"player_game_summary deleted on every other day from {FAILING[0]} to {FAILING[-1]}. serve-local latency "
        f"per layer: {', '.join(f'{k} {v} s' for k, v in LATENCY.items())}; limits: "
        f"{', '.join(f'{k} {v}' for k, v in LIMITS.items())} (a prediction batch holds the coordinator; "
        f"status polled every {POLL} s). Command: `nbadq fill --from-validate` with all four services (exit {code}).",
        "",
        "| measure | value |",
        "|---|---|",
        f"| steps planned (analytics / precompute / predictions / grading) | "
        f"{' / '.join(str(steps[k]) for k in FILL_LAYERS)} |",
        f"| outcomes | {', '.join(f'{n} {s}' for s, n in counts.items())}; rows written during the run for every "
        f"step: {'yes' if not not_landed else 'NO: ' + json.dumps(not_landed)[:300]} |",
        f"| requests sent / minimum (each (layer, date) once) | {sum(sent.values())} / {sum(minimum.values())} "
        f"({', '.join(f'{k} {sent[k]}/{minimum[k]}' for k in FILL_LAYERS)}); {refused} refused (409/429/503), "
        f"{polls} status polls |",
        f"| plain critical path (no limits) / serial coordinator bound ({steps['predictions']} x "
        f"{LATENCY['predictions']} s) | {chain:.2f} s / {serial:.2f} s |",
        f"| ideal: the step graph scheduled under the limits, zero overhead | {ideal:.2f} s |",
        f"| per step, from its request's `send` to its proven outcome: median (the layer's latency) | "
        f"{', '.join(f'{k} {statistics.median(times[k]):.3f} s ({LATENCY[k]} s)' for k in FILL_LAYERS if times.get(k))}"
        f" |",
        f"| **fill phase (first request to last proof)** | **{fill_s:.2f} s = {ratio:.3f}x ideal** "
        f"(target <= 1.25x: {'met' if ratio <= 1.25 and correct else 'MISSED'}) |",
        f"| re-check before (of the --from-validate document) / validation after (Great Expectations) / "
        f"whole command | "
        f"{doc['timing'].get('validate_before_s', 0):.1f} s / {doc['timing'].get('validate_after_s', 0):.1f} s / "
        f"{command_s:.1f} s |",
        "",
        f"Run {dt.datetime.now(dt.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')} with `bench/fill.py pipeline`.",
    ]
    text = "\n".join(lines) + "\n"
    if not correct:
        print(text)
        raise SystemExit("the pipeline case did not fill every step: the timing above is not a result")
    return text
