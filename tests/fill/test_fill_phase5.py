"""`nbadq fill` through the prediction coordinator and the grading service, end to end against serve-local's
Phase 5 contracts: batches polled to completion and proven in SQL, the completeness gate (503 DATA_INCOMPLETE),
API keys, configuration errors, and a run killed with -9 during a batch, then resumed."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys

import pytest
import requests

from nbadq.backfill.verify import Verifier
from tests.fill.conftest import drop_phase4
from tests.fill.direct_validate import direct_checkpoint, write_validate_doc
from tests.hostile.harness import wait_for

DAY = "2024-11-06"
KEY = "local-test-key-5f1c9a"
CONFIG = """\
retry_base_seconds = 0.01
{extra}
[predictions]
kind = "coordinator"
poll_interval_seconds = 0.01
poll_max_seconds = 0.05
date_timeout_seconds = 30
{predictions}
[grading]
kind = "grading"
"""
PHASE4 = '[precompute]\nkind = "phase4"\nurl_env = "NBADQ_PHASE4_URL"\n'


def _config(extra: str = "", predictions: str = "") -> str:
    return CONFIG.format(extra=extra, predictions=predictions)


def _clear(house, day: str = DAY) -> None:
    for name in ("player_prop_predictions", "prediction_accuracy"):
        house.conn.execute(f"DELETE FROM nba_predictions.{name} WHERE game_date = ?", (day,))


def _env(url: str, **more: str) -> dict:
    return {"NBADQ_PREDICTIONS_URL": url, "NBADQ_GRADING_URL": url, "NBADQ_PHASE4_URL": url, **more}


def _seen(svc) -> list[tuple[str, str]]:
    return [(r["method"], r["path"] + "".join(f"?{k}={v}" for k, v in r["query"].items()))
            for r in svc.requests() if not r["path"].startswith("/_")]


def test_predictions_then_grading_are_sent_polled_and_proven(house, serve, fill):
    _clear(house)
    svc = serve(house.root, latencies={"predictions": 0.2})

    run = fill(house.root, svc, config_text=_config(), environ=_env(svc.url))

    assert run.code == 0, run.out + run.err
    assert run.outcomes("predictions") == {DAY: "filled"} and run.outcomes("grading") == {DAY: "filled"}
    seen = _seen(svc)
    batch = next(r for r in svc.requests() if r["path"] == "/status")["query"]["batch_id"]
    polls = len(seen) - 2
    assert seen == [("POST", "/start")] + [("GET", f"/status?batch_id={batch}")] * polls + \
        [("POST", f"/grade-date?date={DAY}")]
    assert svc.requests()[0]["body"] == {"game_date": DAY, "prediction_run_mode": "BACKFILL"}
    # One `poll` record per status poll, naming the batch; the last one saw it complete.
    records = [r for r in run.ledger if r["event"] == "poll"]
    assert [(r["layer"], r["date"], r["batch_id"]) for r in records] == [("predictions", DAY, batch)] * polls
    assert [r["batch_status"] for r in records][-1] == "complete"
    assert {r["batch_status"] for r in records[:-1]} <= {"in_progress"}
    assert [(r["layer"], r["attempt"], r["http_status"]) for r in run.ledger if r["event"] == "attempt"] == [
        ("predictions", 1, 202), ("grading", 1, 200)]


def test_a_date_the_completeness_gate_refuses_is_blocked_upstream(house, serve, fill):
    _clear(house)
    drop_phase4(house, [DAY])  # the models' features are missing: the coordinator answers 503 DATA_INCOMPLETE
    svc = serve(house.root)

    run = fill(house.root, svc, config_text=_config(), environ=_env(svc.url), layers=("predictions",))

    assert run.code == 1
    assert run.outcomes("predictions") == {DAY: "blocked_upstream"}
    assert _seen(svc) == [("POST", "/start")]  # a 503 DATA_INCOMPLETE is not retried
    [outcome] = [r for r in run.ledger if r["event"] == "outcome"]
    assert outcome["detail"] == ('upstream not ready: DATA_INCOMPLETE {"game_date": "2024-11-06", "games": 1, '
                                 '"games_with_context": 1, "games_with_features": 0}; still fails '
                                 'predictions.completeness')
    assert run.doc["outcomes"]["predictions"][DAY] == {"status": "blocked_upstream", "attempts": 1,
                                                       "last_http_status": 503}


def test_with_precompute_filled_first_the_gate_opens(house, serve, fill):
    _clear(house)
    drop_phase4(house, [DAY])
    svc = serve(house.root)

    run = fill(house.root, svc, config_text=_config(extra=PHASE4), environ=_env(svc.url))

    assert run.code == 0, run.out + run.err
    assert (run.outcomes("precompute"), run.outcomes("predictions")) == ({DAY: "filled"}, {DAY: "filled"})
    assert [r["status"] for r in svc.requests() if r["path"] == "/start"] == [202]  # never blocked


def test_the_api_key_is_sent_and_never_written(house, serve, fill):
    _clear(house)
    svc = serve(house.root, api_key=KEY)  # the coordinator takes the key (grading would want a token)

    run = fill(house.root, svc, config_text=_config(predictions='api_key_env = "PRED_KEY"'),
               environ=_env(svc.url, PRED_KEY=KEY), layers=("predictions",))

    assert run.code == 0, run.out + run.err
    assert {r["status"] for r in svc.requests()} == {200, 202}
    for text in (run.out, run.err, run.ledger_path.read_text(), json.dumps(run.doc)):
        assert KEY not in text


def test_a_wrong_api_key_fails_the_date_at_once(house, serve, fill):
    _clear(house)
    svc = serve(house.root, api_key=KEY)
    run = fill(house.root, svc, config_text=_config(predictions='api_key_env = "PRED_KEY"'),
               environ=_env(svc.url, PRED_KEY="not-the-key"), layers=("predictions",))
    assert run.code == 1 and run.outcomes("predictions") == {DAY: "failed"}
    assert [r["status"] for r in svc.requests()] == [401]


def test_an_unset_url_or_api_key_variable_is_exit_2_before_any_request(house, serve, fill):
    _clear(house)
    svc = serve(house.root)
    env = _env(svc.url)
    del env["NBADQ_PREDICTIONS_URL"]

    no_url = fill(house.root, svc, config_text=_config(), environ=env)
    no_key = fill(house.root, svc, config_text=_config(predictions='api_key_env = "PRED_KEY"'),
                  environ=_env(svc.url))

    assert no_url.code == 2 and no_url.err.startswith("NBADQ_PREDICTIONS_URL is not set")
    assert no_key.code == 2 and no_key.err.startswith("PRED_KEY is not set: export the predictions service's API key")
    for run in (no_url, no_key):
        assert run.err.count("\n") == 0 and run.doc is None and run.ledger == []
    assert svc.requests() == []


@pytest.mark.parametrize("replan", ["validate", "from-validate"])
def test_killed_during_a_batch_then_resumed_the_batch_is_not_started_twice(house, serve, fill, tmp_path, replan):
    _clear(house)
    svc = serve(house.root, latencies={"predictions": 1.5})  # the batch writes, then stays in progress 1.5 s
    write_validate_doc(house.root, tmp_path / "validate.json")
    (tmp_path / "fill.toml").write_text(_config())
    ledger = tmp_path / "night.jsonl"
    first = subprocess.Popen(
        [sys.executable, "-m", "nbadq.cli.main", "fill", "--config", str(tmp_path / "fill.toml"), "--warehouse",
         str(house.root), "--from-validate", str(tmp_path / "validate.json"), "--ledger", str(ledger),
         "--layer", "predictions"],
        cwd=tmp_path, env={**os.environ, **_env(svc.url)}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_for(lambda: ledger.exists() and '"event": "poll"' in ledger.read_text(), "a status poll")
    first.send_signal(signal.SIGKILL)
    first.communicate(timeout=10)
    assert first.returncode == -signal.SIGKILL
    batch = next(r for r in svc.requests() if r["path"] == "/status")["query"]["batch_id"]
    wait_for(lambda: svc.service.phase5.coordinator.status(batch).status == "complete", "the batch to complete")
    before = len(svc.requests())

    # Planned afresh (a new validation) or from the old document (each date re-checked in SQL): either way the
    # date the killed batch wrote passes now.
    again = {"from_validate": tmp_path / "validate.json"} if replan == "from-validate" else {}
    resumed = fill(house.root, svc, config_text=_config(), environ=_env(svc.url), resume=ledger, **again)

    assert resumed.code == 0, resumed.out + resumed.err
    # The resumed run proves the date in SQL: no second /start; only grading, which now has predictions to grade.
    assert [r["path"] for r in svc.requests()[before:]] == ["/grade-date"]
    assert [r["path"] for r in svc.requests()].count("/start") == 1
    outcomes = [(r["layer"], r["date"], r["status"]) for r in resumed.ledger if r["event"] == "outcome"]
    assert outcomes == [("predictions", DAY, "filled"), ("grading", DAY, "filled")]
    assert f"predictions {DAY} was in flight when the last run was killed; it passes now: filled" in resumed.out


def test_grading_is_proven_by_the_grading_rules_and_a_silent_200_is_caught(house, serve, fill):
    for day in (DAY, "2024-11-10"):
        house.conn.execute("DELETE FROM nba_predictions.prediction_accuracy WHERE game_date = ?", (day,))
    svc = serve(house.root, faults="silent=2024-11-10")  # answers 200 success, grades nothing

    run = fill(house.root, svc, config_text=_config(), environ=_env(svc.url))

    assert run.code == 1
    assert run.outcomes("grading") == {DAY: "filled", "2024-11-10": "silent_failure"}
    assert sorted(p for _, p in _seen(svc)) == ["/grade-date?date=2024-11-06", "/grade-date?date=2024-11-10"]


def test_a_batch_whose_requests_failed_is_failed_not_silent(house, serve, fill):
    _clear(house)
    svc = serve(house.root, faults=f"error={DAY}")  # the batch completes with every worker request failed

    run = fill(house.root, svc, config_text=_config(), environ=_env(svc.url), layers=("predictions",))

    assert run.code == 1 and run.outcomes("predictions") == {DAY: "failed"}
    [outcome] = [r for r in run.ledger if r["event"] == "outcome"]
    assert outcome["detail"].startswith("service reported batch batch_2024-11-06_")
    assert outcome["detail"].endswith(": 17 request(s) failed (every worker request failed (injected)); still fails "
                                      "predictions.completeness")


def test_a_grading_date_is_proven_by_the_error_bar_not_the_warning_one(house):
    # 7 of each system's 10 gradable predictions graded: 70%, under the 80% warning, over the 50% error bar.
    house.conn.execute("DELETE FROM nba_predictions.prediction_accuracy WHERE game_date = ? AND player_lookup IN "
                       "('miarole1', 'miarole2', 'miarole3')", (DAY,))
    per_system = {e["severity"]: e["failing_dates"] for e in direct_checkpoint(str(house.root))["layers"]["grading"][
        "expectations"] if e["rule"] == "grading.per_system"}
    assert per_system == {"warn": [DAY], "error": []}
    still = Verifier(str(house.root)).still_failing({dt.date.fromisoformat(DAY): ("grading.per_system",)})
    assert still == {dt.date.fromisoformat(DAY): ()}


def test_a_batch_already_running_is_waited_for_then_the_date_is_started(house, serve, fill):
    _clear(house)
    svc = serve(house.root, latencies={"predictions": 0.5})
    other = requests.post(f"{svc.url}/start", json={"game_date": "2024-11-10"}).json()["batch_id"]  # someone else's

    run = fill(house.root, svc, config_text=_config(), environ=_env(svc.url), layers=("predictions",))

    assert run.code == 0, run.out + run.err
    starts = [(r["body"]["game_date"], r["status"]) for r in svc.requests() if r["path"] == "/start"]
    assert starts == [("2024-11-10", 202), (DAY, 409), (DAY, 202)]
    polled = [r["query"]["batch_id"] for r in svc.requests() if r["path"] == "/status"]
    ours = next(b for b in polled if b != other)
    assert ours.startswith(f"batch_{DAY}_") and polled == [other] * polled.count(other) + [ours] * polled.count(ours)
    assert run.outcomes("predictions") == {DAY: "filled"}
    assert all("force" not in (r["body"] or {}) for r in svc.requests())


def test_the_command_line_says_it_in_one_line_and_writes_nothing(house, tmp_path, capsys, monkeypatch):
    from nbadq.cli.main import main

    _clear(house)
    write_validate_doc(house.root, tmp_path / "validate.json")
    (tmp_path / "fill.toml").write_text(_config(predictions='api_key_env = "PRED_KEY"'))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NBADQ_PREDICTIONS_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("NBADQ_GRADING_URL", "http://127.0.0.1:9")
    monkeypatch.delenv("PRED_KEY", raising=False)

    code = main(["fill", "--warehouse", str(house.root), "--config", "fill.toml", "--from-validate", "validate.json",
                 "--json", "out.json"])

    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "PRED_KEY is not set" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fill.toml", "validate.json", "warehouse"]
