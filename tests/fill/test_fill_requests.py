"""`nbadq fill` against the local service over real HTTP: exactly which requests go out, in which order."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from tests.fill.conftest import EXTRA_DAYS, add_game_days, drop_phase4, null_minutes, sent_dates

RANGE = {"processors": [], "backfill_mode": True}


def _phase4(day: str) -> dict:
    return {"analysis_date": day, "backfill_mode": True, "processors": []}


def test_exact_requests_analytics_layer_first_then_precompute(house, serve, fill):
    null_minutes(house, ["2024-11-05", "2024-11-06", "2025-04-15"])
    drop_phase4(house, ["2024-11-05", "2025-04-20"])  # 11-05 fails both: analytics is refilled first
    svc = serve(house.root)

    run = fill(house.root, svc)

    # Exit 0: re-running Phase 3 for 11-05, 11-06 and 04-15 made the Phase 4 rows of those dates and of 11-10 (built
    # before) stale, and the cascade re-ran them after analytics (precompute.stale_after_upstream passes afterwards).
    assert run.code == 0, run.out + run.err
    log = svc.requests()
    analytics = [r["body"] for r in log[:2]]
    precompute = [r["body"] for r in log[2:]]
    # Phase 3: one request per contiguous run of failing game dates (11-05 and 11-06 are neighbours; 11-10 is a
    # passing game date away from 04-15), all of analytics before any of precompute.
    assert sorted(analytics, key=lambda b: b["start_date"]) == [
        {"start_date": "2024-11-05", "end_date": "2024-11-06", **RANGE},
        {"start_date": "2025-04-15", "end_date": "2025-04-15", **RANGE},
    ]
    phase4 = ("2024-11-05", "2024-11-06", "2024-11-10", "2025-04-15", "2025-04-20")
    assert sorted(precompute, key=lambda b: b["analysis_date"]) == [_phase4(d) for d in phase4]
    assert [r["path"] for r in log] == ["/process-date-range"] * 2 + ["/process-date"] * 5
    assert run.doc["planned"] == {"analytics": ["2024-11-05", "2024-11-06", "2025-04-15"], "precompute": list(phase4)}
    assert run.outcomes("analytics") == dict.fromkeys(["2024-11-05", "2024-11-06", "2025-04-15"], "filled")
    assert run.outcomes("precompute") == dict.fromkeys(phase4, "filled")
    assert run.doc["before"]["precompute"] == {"failing_dates": ["2024-11-05", "2025-04-20"], "coverage": 0.6}
    assert run.doc["after"]["precompute"] == {"failing_dates": [], "coverage": 1.0}
    assert run.doc["before"]["analytics"]["failing_dates"] == ["2024-11-05", "2024-11-06", "2025-04-15"]
    assert run.doc["after"]["analytics"] == {"failing_dates": [], "coverage": 1.0}


def test_no_bootstrap_no_passing_date_and_each_failing_date_exactly_once(house, serve, fill):
    add_game_days(house, EXTRA_DAYS)  # processable, no Phase 4 rows, no predictions
    drop_phase4(house, ["2024-10-30"])  # a bootstrap day: Phase 4 must never be asked for it
    svc = serve(house.root)

    run = fill(house.root, svc)

    assert run.code == 1, run.out + run.err  # predictions still fail, and nothing can fill them
    sent = sent_dates(svc)
    assert Counter(sent) == Counter(EXTRA_DAYS)  # once each, nothing else
    assert not any(r["path"] == "/process-date-range" for r in svc.requests())  # analytics passes
    assert run.outcomes("precompute") == dict.fromkeys(EXTRA_DAYS, "filled")
    assert run.doc["no_filler"]["predictions"] == list(EXTRA_DAYS)  # reported, and named
    assert "predictions  10 failing dates: no filler configured" in run.out
    assert "  predictions: 10 failing date(s) and no filler configured" in run.out
    assert run.doc["after"]["predictions"]["failing_dates"] == list(EXTRA_DAYS)


def test_layer_option_limits_the_plan(house, serve, fill):
    null_minutes(house, ["2024-11-06"])
    drop_phase4(house, ["2024-11-10"])
    svc = serve(house.root)

    run = fill(house.root, svc, layers=("precompute",))

    assert run.code == 0, run.out + run.err
    assert [(r["path"], r["body"]) for r in svc.requests()] == [("/process-date", _phase4("2024-11-10"))]
    assert run.doc["planned"] == {"precompute": ["2024-11-10"]}


def test_since_until_limit_the_dates(house, serve, fill):
    drop_phase4(house, ["2024-11-05", "2024-11-10", "2025-04-15"])
    svc = serve(house.root)

    run = fill(house.root, svc, since=dt.date(2024, 11, 6), until=dt.date(2024, 12, 31))

    assert sent_dates(svc) == ["2024-11-10"]
    assert run.doc["planned"]["precompute"] == ["2024-11-10"]
    assert run.code == 0


def test_dry_run_prints_the_requests_and_sends_nothing(house, serve, fill):
    drop_phase4(house, ["2024-11-05", "2025-04-20"])
    svc = serve(house.root)

    run = fill(house.root, svc, dry_run=True)

    assert run.code == 0
    assert svc.requests() == []
    assert run.ledger == []  # a dry run writes no ledger
    lines = [line.strip() for line in run.out.splitlines()]
    assert f'POST {svc.url}/process-date {{"analysis_date": "2024-11-05", "backfill_mode": true, "processors": []}}' \
        in lines
    assert f'POST {svc.url}/process-date {{"analysis_date": "2025-04-20", "backfill_mode": true, "processors": []}}' \
        in lines
    assert "2 date(s) to send in 2 request(s)" in lines
    assert lines[lines.index("precompute dates (2):") + 1] == "2024-11-05, 2025-04-20"


def test_workers_bound_the_requests_in_flight(house, serve, fill):
    add_game_days(house, EXTRA_DAYS[:6])
    svc = serve(house.root, latency=0.15)

    run = fill(house.root, svc, workers=9, concurrency=2, layers=("precompute",))  # asks for 9, the filler allows 2

    assert run.code == 0
    assert "--workers 9 lowered to 2 for precompute" in run.out
    spans = [(r["received_s"], r["received_s"] + r["duration_s"]) for r in svc.requests()]
    most = max(sum(1 for a, b in spans if a <= t < b) for t, _ in spans)
    assert most == 2


def test_an_http_filler_sends_its_body_template_with_the_date(house, serve, fill):
    drop_phase4(house, ["2024-11-05", "2024-11-10"])
    svc = serve(house.root)
    config = ('[precompute]\nkind = "http"\nurl_env = "NBADQ_PHASE4_URL"\npath = "/process-date"\n'
              'body = { analysis_date = "{date}", backfill_mode = true, note = "nbadq {date}" }\n')

    run = fill(house.root, svc, config_text=config)

    assert run.code == 0, run.out
    assert sorted((r["body"]["analysis_date"], r["body"]["note"]) for r in svc.requests()) == [
        ("2024-11-05", "nbadq 2024-11-05"), ("2024-11-10", "nbadq 2024-11-10")]
    assert run.outcomes("precompute") == {"2024-11-05": "filled", "2024-11-10": "filled"}


def test_the_ledger_goes_under_uncommitted_fills_by_default(house, serve, tmp_path, monkeypatch):
    import io

    from nbadq.backfill.command import FillOptions, Hooks, run_fill
    from tests.fill.direct_validate import direct_checkpoint

    drop_phase4(house, ["2024-11-05"])
    svc = serve(house.root)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "fill.toml").write_text('[precompute]\nkind = "phase4"\n')
    out = io.StringIO()

    code = run_fill(FillOptions(warehouse=str(house.root), config=tmp_path / "fill.toml"), out=out,
                    hooks=Hooks(validate=direct_checkpoint, environ={"NBADQ_PHASE4_URL": svc.url}, tty=False))

    assert code == 0
    [ledger] = (tmp_path / "uncommitted" / "fills").glob("fill-*.jsonl")
    assert f"ledger: uncommitted/fills/{ledger.name} (resume with: nbadq fill --resume " in out.getvalue()
