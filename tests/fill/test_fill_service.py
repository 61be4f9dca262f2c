"""The local service keeps the contract (section 4): status codes, bodies, silent successes, loopback only."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import requests

from nbadq.backfill.local_service import LocalService, parse_faults
from nbadq.errors import UsageError
from tests.fill.conftest import drop_phase4


def _count(house, table: str, column: str, day: str) -> int:
    return house.conn.execute(f"SELECT COUNT(*) FROM {table} WHERE {column} = ?", (day,)).fetchone()[0]


def test_phase4_answers_200_success_with_empty_stats_even_when_it_writes_nothing(house, serve):
    drop_phase4(house, ["2024-10-30"])
    svc = serve(house.root)

    reply = requests.post(f"{svc.url}/process-date", json={"analysis_date": "2024-10-30", "backfill_mode": True,
                                                           "processors": [], "surprise": 1})

    assert reply.status_code == 200
    body = reply.json()
    assert body["status"] == "completed" and body["analysis_date"] == "2024-10-30"
    assert [(r["processor"], r["status"], r["stats"]) for r in body["results"]] == [
        ("TeamDefenseZoneAnalysisProcessor", "success", {}), ("PlayerShotZoneAnalysisProcessor", "success", {}),
        ("PlayerDailyCacheProcessor", "success", {}), ("PlayerCompositeFactorsProcessor", "success", {}),
        ("MLFeatureStoreProcessor", "success", {})]
    # A bootstrap day: three processors skip it by design, two write placeholder rows.
    assert _count(house, "nba_precompute.player_composite_factors", "game_date", "2024-10-30") == 0
    assert _count(house, "nba_precompute.player_daily_cache", "cache_date", "2024-10-30") == 0
    assert _count(house, "nba_precompute.team_defense_zone_analysis", "analysis_date", "2024-10-30") == 2
    assert house.conn.execute("SELECT MIN(early_season_flag) FROM nba_predictions.ml_feature_store_v2 "
                              "WHERE game_date = '2024-10-30'").fetchone()[0] == 1


def test_phase4_computes_rows_for_a_processable_day(house, serve):
    drop_phase4(house, ["2024-11-10"])
    svc = serve(house.root)
    reply = requests.post(f"{svc.url}/process-date", json={"analysis_date": "2024-11-10"})
    assert reply.status_code == 200
    # 2 games x 2 teams x 8 played players (the DNP has no rolling window)
    assert _count(house, "nba_precompute.player_composite_factors", "game_date", "2024-11-10") == 32


@pytest.mark.parametrize("path, body, message", [
    ("/process-date", {"backfill_mode": True}, "analysis_date is required"),
    ("/process-date", {"analysis_date": "11/05/2024"}, "analysis_date must be YYYY-MM-DD, not '11/05/2024'"),
    ("/process-date-range", {"start_date": "2024-11-05"}, "start_date and end_date are required"),
])
def test_bad_bodies_get_400(house, serve, path, body, message):
    svc = serve(house.root)
    reply = requests.post(svc.url + path, json=body)
    assert (reply.status_code, reply.json()) == (400, {"error": message})


def test_phase3_without_backfill_mode_silently_skips_dates_older_than_90_days(house, serve):
    house.conn.execute("DELETE FROM nba_analytics.player_game_summary WHERE game_date = '2024-11-05'")
    svc = serve(house.root)
    body = {"start_date": "2024-11-05", "end_date": "2024-11-05", "processors": ["PlayerGameSummaryProcessor"]}

    skipped = requests.post(f"{svc.url}/process-date-range", json=body)
    assert skipped.status_code == 200 and skipped.json()["results"][0]["status"] == "success"
    assert _count(house, "nba_analytics.player_game_summary", "game_date", "2024-11-05") == 0

    done = requests.post(f"{svc.url}/process-date-range", json={**body, "backfill_mode": True})
    assert done.json()["date_range"] == "2024-11-05 to 2024-11-05"
    # rebuilt from the gamebook: 2 games x 2 teams x 8 active players
    assert _count(house, "nba_analytics.player_game_summary", "game_date", "2024-11-05") == 32


def test_above_the_concurrency_limit_429_with_retry_after(house, serve):
    svc = serve(house.root, latency=0.5, max_concurrency=1, retry_after=7)
    replies = []
    threads = [threading.Thread(target=lambda: replies.append(
        requests.post(f"{svc.url}/process-date", json={"analysis_date": "2024-11-06"}))) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.status_code for r in replies) == [200, 429]
    assert next(r for r in replies if r.status_code == 429).headers["Retry-After"] == "7"


def test_each_service_has_its_own_limit(house, serve):
    # Separate Cloud Run services: a busy Phase 4 does not turn Phase 3 away.
    svc = serve(house.root, latency=0.5, max_concurrency=1)
    replies = []
    calls = [("/process-date", {"analysis_date": "2024-11-06"}),
             ("/process-date-range", {"start_date": "2024-11-06", "end_date": "2024-11-06", "backfill_mode": True})]
    threads = [threading.Thread(target=lambda p=p, b=b: replies.append(requests.post(svc.url + p, json=b)))
               for p, b in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [r.status_code for r in replies] == [200, 200]


def test_unknown_endpoints_are_404(house, serve):
    svc = serve(house.root)
    reply = requests.get(f"{svc.url}/process-date")
    assert (reply.status_code, reply.json()) == (404, {"error": "no such endpoint GET /process-date"})


def test_request_log_is_served_for_tests(house, serve):
    svc = serve(house.root)
    requests.post(f"{svc.url}/process-date", json={"analysis_date": "2024-11-06"})
    log = requests.get(f"{svc.url}/_requests").json()
    assert [(e["seq"], e["path"], e["body"], e["status"]) for e in log] == [
        (1, "/process-date", {"analysis_date": "2024-11-06"}, 200)]


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "::"])
def test_it_refuses_to_listen_beyond_loopback(house, host):
    with pytest.raises(UsageError, match="127.0.0.1 only"):
        LocalService(house.root, host=host)


def test_fault_spec_grammar():
    faults = parse_faults("silent=2024-11-05,2024-11-09; transient503=2@2024-11-07;hang=2024-12-01;latency=0.5;"
                          "token-expires-after=3")
    assert faults.silent == {dt.date(2024, 11, 5), dt.date(2024, 11, 9)}
    assert faults.fails_first((dt.date(2024, 11, 7),)) == 2 and faults.fails_first((dt.date(2024, 11, 8),)) == 0
    assert (faults.hang, faults.latency, faults.token_expires_after) == ({dt.date(2024, 12, 1)}, 0.5, 3)
    assert parse_faults("transient503=1").fails_first((dt.date(2030, 1, 1),)) == 1


@pytest.mark.parametrize("spec, message", [
    ("slow=1", "expected NAME=VALUE with NAME one of"),
    ("silent=2024-13-01", "expected comma-separated dates"),
    ("transient503=two", "expected a whole number"),
    ("latency=-1", "expected seconds between 0 and 3600"),
    ("silent=2024-11-05;silent=2024-11-06", "silent is given twice"),
])
def test_bad_fault_specs_are_usage_errors(spec, message):
    with pytest.raises(UsageError, match=message):
        parse_faults(spec)
