"""serve-local's prediction coordinator and grading service keep the contract (section 4), over real HTTP.

The mini house's 2024-11-05 has 2 games of 17 context players each (10 with a line: the two players and three
role players of each team), predicted by two systems.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import time

import pytest
import requests

from nbadq.cli.serve_local import parse_layer_latencies
from nbadq.errors import UsageError
from tests.fill.conftest import drop_phase4

DAY = "2024-11-05"
SYSTEMS = ("catboost_v8", "ensemble_v1")


def _wait(svc, batch_id: str, seconds: float = 10.0) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        body = requests.get(f"{svc.url}/status", params={"batch_id": batch_id}).json()
        if body["status"] == "complete":
            return body
        time.sleep(0.05)
    raise AssertionError(f"{batch_id} still in progress after {seconds} s")


def _predictions(house, day: str = DAY) -> list[tuple]:
    """(system, line_source, is_active, rows) of the date."""
    return house.conn.execute(
        "SELECT system_id, line_source, is_active, COUNT(*) FROM nba_predictions.player_prop_predictions "
        "WHERE game_date = ? GROUP BY 1, 2, 3 ORDER BY 1, 2, 3", (day,)).fetchall()


def _clear(house, day: str = DAY) -> None:
    for name in ("player_prop_predictions", "prediction_accuracy"):
        house.conn.execute(f"DELETE FROM nba_predictions.{name} WHERE game_date = ?", (day,))


def test_start_answers_202_then_status_polls_to_complete_with_rows_per_system(house, serve):
    _clear(house)
    svc = serve(house.root, latencies={"predictions": 0.4})
    sent = dt.datetime.now(dt.timezone.utc).replace(microsecond=0, tzinfo=None)

    reply = requests.post(f"{svc.url}/start", json={"game_date": DAY, "prediction_run_mode": "BACKFILL"})

    assert reply.status_code == 202
    body = reply.json()
    assert re.fullmatch(r"batch_2024-11-05_\d{10}", body["batch_id"])
    assert body == {"status": "started", "batch_id": body["batch_id"], "game_date": DAY, "total_requests": 34,
                    "published": 34, "monitor_url": f"/status?batch_id={body['batch_id']}"}
    first = requests.get(f"{svc.url}/status", params={"batch_id": body["batch_id"]})
    assert (first.status_code, first.json()["status"]) == (200, "in_progress")
    done = _wait(svc, body["batch_id"])
    assert done["progress"] == {"expected": 34, "completed": 34, "failed": 0, "predictions_written": 68}
    # Every context player in each system: 10 real lines a game, the other 7 against an estimated line.
    assert _predictions(house) == [("catboost_v8", "ACTUAL_PROP", 1, 20), ("catboost_v8", "ESTIMATED_AVG", 1, 14),
                                   ("ensemble_v1", "ACTUAL_PROP", 1, 20), ("ensemble_v1", "ESTIMATED_AVG", 1, 14)]
    stamps = {r[0] for r in house.conn.execute("SELECT created_at FROM nba_predictions.player_prop_predictions "
                                               "WHERE game_date = ?", (DAY,))}
    assert all(dt.datetime.fromisoformat(s).replace(tzinfo=None) >= sent for s in stamps)


def test_a_second_start_while_a_batch_runs_gets_409_with_the_running_batch(house, serve):
    svc = serve(house.root, latencies={"predictions": 0.5})
    first = requests.post(f"{svc.url}/start", json={"game_date": DAY}).json()

    second = requests.post(f"{svc.url}/start", json={"game_date": "2024-11-10"})

    assert (second.status_code, second.json()) == (409, {"status": "already_running",
                                                         "batch_id": first["batch_id"]})
    _wait(svc, first["batch_id"])
    assert requests.post(f"{svc.url}/start", json={"game_date": "2024-11-10"}).status_code == 202


def test_the_completeness_gate_answers_503_until_precompute_is_filled(house, serve):
    drop_phase4(house, ["2024-11-06"])
    svc = serve(house.root)

    blocked = requests.post(f"{svc.url}/start", json={"game_date": "2024-11-06"})

    assert (blocked.status_code, blocked.json()) == (503, {"error": "DATA_INCOMPLETE", "details": {
        "game_date": "2024-11-06", "games": 1, "games_with_context": 1, "games_with_features": 0}})
    assert requests.post(f"{svc.url}/process-date", json={"analysis_date": "2024-11-06"}).status_code == 200
    started = requests.post(f"{svc.url}/start", json={"game_date": "2024-11-06"})
    assert started.status_code == 202
    assert _wait(svc, started.json()["batch_id"])["progress"]["predictions_written"] == 34


def test_skip_completeness_check_passes_the_gate_and_nobody_eligible_is_404(house, serve):
    house.conn.execute("DELETE FROM nba_analytics.upcoming_player_game_context WHERE game_date = ?", (DAY,))
    svc = serve(house.root)
    assert requests.post(f"{svc.url}/start", json={"game_date": DAY}).json()["details"] == {
        "game_date": DAY, "games": 2, "games_with_context": 0, "games_with_features": 0}
    reply = requests.post(f"{svc.url}/start", json={"game_date": DAY, "skip_completeness_check": True})
    assert (reply.status_code, reply.json()) == (404, {"status": "no_eligible_players", "game_date": DAY})


def test_a_date_without_games_is_no_games_scheduled_and_unknown_batches_are_404(house, serve):
    svc = serve(house.root)
    reply = requests.post(f"{svc.url}/start", json={"game_date": "2024-11-07"})
    assert (reply.status_code, reply.json()) == (200, {"status": "no_games_scheduled", "game_date": "2024-11-07"})
    missing = requests.get(f"{svc.url}/status", params={"batch_id": "batch_2024-11-07_1"})
    assert (missing.status_code, missing.json()) == (404, {"status": "not_found", "batch_id": "batch_2024-11-07_1"})


def test_a_rerun_keeps_one_active_row_per_key_and_reactivates_a_deactivated_system(house, serve):
    # The incident: one model's predictions of the date all deactivated by a bad re-run.
    house.conn.execute("UPDATE nba_predictions.player_prop_predictions SET is_active = 0 "
                       "WHERE game_date = ? AND system_id = 'ensemble_v1'", (DAY,))
    svc = serve(house.root)

    _wait(svc, requests.post(f"{svc.url}/start", json={"game_date": DAY}).json()["batch_id"])

    # Same line: the row is updated in place. The 14 estimated-line rows per system, whose estimate moved (9.5 ->
    # 12.5 from the Phase 4 average, 5.5 for a DNP without one), are superseded by new rows and deactivated; no
    # real-line prediction is left inactive (the per-system rule counts only those).
    assert _predictions(house) == [("catboost_v8", "ACTUAL_PROP", 1, 20), ("catboost_v8", "ESTIMATED_AVG", 0, 14),
                                   ("catboost_v8", "ESTIMATED_AVG", 1, 14), ("ensemble_v1", "ACTUAL_PROP", 1, 20),
                                   ("ensemble_v1", "ESTIMATED_AVG", 0, 14), ("ensemble_v1", "ESTIMATED_AVG", 1, 14)]
    assert house.conn.execute(
        "SELECT COUNT(*) FROM (SELECT 1 FROM nba_predictions.player_prop_predictions WHERE is_active = 1 "
        "GROUP BY player_lookup, game_id, system_id HAVING COUNT(*) > 1)").fetchone()[0] == 0


def test_grading_writes_only_gradable_predictions(house, serve):
    house.conn.execute("DELETE FROM nba_predictions.prediction_accuracy WHERE game_date = ?", (DAY,))
    # Of the 40 real-line predictions: one invalidated (a late scratch), one superseded (inactive).
    house.conn.execute("UPDATE nba_predictions.player_prop_predictions SET invalidation_reason = 'player_inactive' "
                       "WHERE game_date = ? AND player_lookup = 'nykplayer1' AND system_id = 'catboost_v8'", (DAY,))
    house.conn.execute("UPDATE nba_predictions.player_prop_predictions SET is_active = 0 "
                       "WHERE game_date = ? AND player_lookup = 'bosrole1' AND system_id = 'ensemble_v1'", (DAY,))
    svc = serve(house.root)

    reply = requests.post(f"{svc.url}/grade-date", params={"date": DAY})

    assert (reply.status_code, reply.json()) == (200, {"status": "success", "game_date": DAY,
                                                       "result": {"graded": 38}, "trigger": "manual"})
    assert house.conn.execute(
        "SELECT system_id, COUNT(*) FROM nba_predictions.prediction_accuracy WHERE game_date = ? GROUP BY 1",
        (DAY,)).fetchall() == [("catboost_v8", 19), ("ensemble_v1", 19)]
    # GET works too, and a second grading replaces the date's rows (DELETE + INSERT), never adds to them.
    assert requests.get(f"{svc.url}/grade-date?date={DAY}").json()["result"] == {"graded": 38}
    assert house.conn.execute("SELECT COUNT(*) FROM nba_predictions.prediction_accuracy WHERE game_date = ?",
                              (DAY,)).fetchone()[0] == 38


@pytest.mark.parametrize("url, message", [
    ("/grade-date?date=2024-13-05", "date must be YYYY-MM-DD, not '2024-13-05'"),
    ("/grade-date", "date is required (?date=YYYY-MM-DD)"),
])
def test_grading_a_bad_date_is_400(house, serve, url, message):
    svc = serve(house.root)
    reply = requests.post(svc.url + url)
    assert (reply.status_code, reply.json()) == (400, {"error": message})
    assert requests.post(f"{svc.url}/start", json={"game_date": "11/05/2024"}).json() == {
        "error": "game_date must be YYYY-MM-DD, not '11/05/2024'"}


def test_transient_503s_and_silent_dates_apply_to_the_new_routes(house, serve):
    _clear(house)
    svc = serve(house.root, faults=f"transient503=1@{DAY};silent=2024-11-10;error=2024-11-06")

    replies = [requests.post(f"{svc.url}/start", json={"game_date": DAY}) for _ in range(2)]
    # An injected 503 is not the completeness gate's: its body says so.
    assert [(r.status_code, r.json().get("error")) for r in replies] == [
        (503, "service unavailable (injected)"), (202, None)]
    _wait(svc, replies[1].json()["batch_id"])
    assert [requests.post(f"{svc.url}/grade-date?date={DAY}").status_code for _ in range(2)] == [503, 200]
    # A silent batch completes with nothing written: "complete" is not proof.
    house.conn.execute("DELETE FROM nba_predictions.player_prop_predictions WHERE game_date = '2024-11-10'")
    silent = requests.post(f"{svc.url}/start", json={"game_date": "2024-11-10"}).json()["batch_id"]
    assert _wait(svc, silent)["progress"]["predictions_written"] == 0
    assert _predictions(house, "2024-11-10") == []
    failing = requests.post(f"{svc.url}/start", json={"game_date": "2024-11-06"}).json()["batch_id"]
    assert _wait(svc, failing)["progress"] == {"expected": 17, "completed": 0, "failed": 17,
                                               "predictions_written": 0}
    crashed = requests.post(f"{svc.url}/grade-date?date=2024-11-06")
    assert (crashed.status_code, crashed.json()) == (500, {"error": "grading crashed (injected)",
                                                           "game_date": "2024-11-06"})


def test_tokens_expire_on_status_polls_too_and_the_coordinator_takes_its_api_key(house, serve):
    svc = serve(house.root, faults="token-expires-after=2", api_key="local-test-key")
    auth = {"Authorization": "Bearer token-a"}

    started = requests.post(f"{svc.url}/start", json={"game_date": DAY}, headers=auth)
    polled = requests.get(f"{svc.url}/status", params={"batch_id": started.json()["batch_id"]}, headers=auth)
    expired = requests.get(f"{svc.url}/status", params={"batch_id": started.json()["batch_id"]}, headers=auth)

    assert [started.status_code, polled.status_code, expired.status_code] == [202, 200, 401]
    assert expired.json() == {"error": "token expired"}
    keyed = requests.get(f"{svc.url}/status", params={"batch_id": started.json()["batch_id"]},
                         headers={"X-API-Key": "local-test-key"})
    assert keyed.status_code == 200
    wrong = requests.get(f"{svc.url}/status", params={"batch_id": "x"}, headers={"X-API-Key": "nope"})
    assert (wrong.status_code, wrong.json()) == (401, {"error": "invalid API key"})
    # Grading is IAM only: the key does not open it.
    assert requests.post(f"{svc.url}/grade-date?date={DAY}", headers={"X-API-Key": "local-test-key"}).json() == {
        "error": "missing bearer token"}


def test_a_hung_start_holds_the_request_until_the_client_gives_up(house, serve):
    svc = serve(house.root, faults=f"hang={DAY}")
    with pytest.raises(requests.Timeout):
        requests.post(f"{svc.url}/start", json={"game_date": DAY}, timeout=0.5)
    assert svc.service.phase5.coordinator.running() is None  # nothing started behind the client's back


def test_grading_above_its_concurrency_limit_gets_429(house, serve):
    svc = serve(house.root, latencies={"grading": 0.5}, grading_concurrency=1, retry_after=3)
    replies = []
    threads = [threading.Thread(target=lambda: replies.append(requests.post(f"{svc.url}/grade-date?date={DAY}")))
               for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.status_code for r in replies) == [200, 429]
    assert next(r for r in replies if r.status_code == 429).headers["Retry-After"] == "3"


def test_layer_latencies_parse_and_bad_ones_are_usage_errors():
    assert parse_layer_latencies(["precompute=2,predictions=3", "grading=0.5"]) == {
        "precompute": 2.0, "predictions": 3.0, "grading": 0.5}
    for bad in (["phase9=1"], ["grading=-1"], ["grading"]):
        with pytest.raises(UsageError, match="expected LAYER=SECONDS"):
            parse_layer_latencies(bad)


def test_the_api_key_comes_from_a_variable_that_must_be_set(monkeypatch):
    from nbadq.cli.serve_local import _api_key

    monkeypatch.delenv("NBADQ_TEST_SERVE_KEY", raising=False)
    with pytest.raises(UsageError, match="--api-key-env NBADQ_TEST_SERVE_KEY: the variable is not set"):
        _api_key("NBADQ_TEST_SERVE_KEY")
    monkeypatch.setenv("NBADQ_TEST_SERVE_KEY", " local-key ")
    assert _api_key("NBADQ_TEST_SERVE_KEY") == "local-key"


def test_the_demo_fill_config_names_all_four_services():
    from pathlib import Path

    from nbadq.backfill.config import load_fill_config

    config = load_fill_config(Path(__file__).resolve().parents[2] / "examples" / "serve-local-fill.toml")
    assert {layer: f.kind for layer, f in config.fillers.items()} == {
        "analytics": "phase3", "precompute": "phase4", "predictions": "coordinator", "grading": "grading"}
    assert config.fillers["analytics"].processors == ()  # every Phase 3 processor
    assert config.fillers["predictions"].poll_interval_seconds == 0.1
