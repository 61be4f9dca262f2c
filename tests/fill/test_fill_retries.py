"""Retries over real HTTP: backoff schedule, Retry-After, the attempt limit, what is never retried, timeouts."""

from __future__ import annotations

import time

from nbadq.backfill.backoff import Backoff, parse_retry_after
from tests.fill.conftest import EXTRA_DAYS, add_game_days, drop_phase4, sent_dates


def test_backoff_schedule_is_exponential_with_equal_jitter():
    low, mid = Backoff(base=2.0, cap=10.0, random=lambda: 0.0), Backoff(base=2.0, cap=10.0, random=lambda: 0.5)
    assert [low.delay(n) for n in (1, 2, 3, 4, 5)] == [1.0, 2.0, 4.0, 5.0, 5.0]  # d/2, d = min(cap, base*2^(n-1))
    assert [mid.delay(n) for n in (1, 2, 3, 4)] == [1.5, 3.0, 6.0, 7.5]
    assert low.delay(3, retry_after=7.0) == 7.0  # the service's word replaces the schedule
    assert low.delay(1, retry_after=10_000) == 600.0  # bounded


def test_retry_after_header_forms():
    import datetime as dt

    now = dt.datetime(2025, 1, 1, 12, 0, 0, tzinfo=dt.timezone.utc)
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after("Wed, 01 Jan 2025 12:00:30 GMT", now=now) == 30.0
    assert parse_retry_after("Wed, 01 Jan 2025 11:00:00 GMT", now=now) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_transient_503s_are_retried_with_the_exact_backoff_schedule(house, serve, fill):
    drop_phase4(house, ["2024-11-05"])
    svc = serve(house.root, faults="transient503=3")
    slept: list[float] = []

    run = fill(house.root, svc, sleep=slept.append, random=lambda: 0.5)

    assert run.code == 0, run.out
    assert sent_dates(svc) == ["2024-11-05"] * 4
    assert [r["status"] for r in svc.requests()] == [503, 503, 503, 200]
    # base 0.5 s: ceilings 0.5, 1, 2; equal jitter at 0.5 -> 3/4 of each ceiling.
    assert slept == [0.375, 0.75, 1.5]
    assert run.attempts() == [("precompute", "2024-11-05", n, s) for n, s in ((1, 503), (2, 503), (3, 503), (4, 200))]
    assert run.doc["outcomes"]["precompute"]["2024-11-05"] == {"status": "filled", "attempts": 4,
                                                               "last_http_status": 200}


def test_at_most_four_attempts_then_failed(house, serve, fill):
    drop_phase4(house, ["2024-11-05", "2024-11-10"])
    svc = serve(house.root, faults="transient503=10@2024-11-05")

    run = fill(house.root, svc)

    assert run.code == 1
    assert sent_dates(svc).count("2024-11-05") == 4
    assert run.doc["outcomes"]["precompute"] == {
        "2024-11-05": {"status": "failed", "attempts": 4, "last_http_status": 503},
        "2024-11-10": {"status": "filled", "attempts": 1, "last_http_status": 200},
    }
    assert "precompute 2024-11-05 failed (4 attempts, HTTP 503): HTTP 503" in run.out


def test_429_waits_what_retry_after_says(house, serve, fill):
    drop_phase4(house, ["2024-11-05", "2024-11-10"])
    # The service takes one request at a time; the filler is (wrongly) configured for two.
    svc = serve(house.root, latency=0.3, max_concurrency=1, retry_after=1)
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        time.sleep(seconds)

    run = fill(house.root, svc, concurrency=2, sleep=sleep)

    assert run.code == 0, run.out
    statuses = [(r["body"]["analysis_date"], r["status"]) for r in svc.requests()]
    assert sorted(s for _, s in statuses) == [200, 200, 429]
    turned_away = next(d for d, s in statuses if s == 429)
    assert slept == [1.0]  # Retry-After: 1, not the backoff schedule (0.25 s here)
    assert run.attempts().count(("precompute", turned_away, 1, 429)) == 1
    assert ("precompute", turned_away, 2, 200) in run.attempts()


def test_other_4xx_fail_at_once_without_retry(house, serve, fill):
    drop_phase4(house, ["2024-11-05"])
    svc = serve(house.root)
    config = ('[precompute]\nkind = "phase4"\nurl_env = "NBADQ_PHASE4_URL"\npath = "/no-such-endpoint"\n')

    run = fill(house.root, svc, config_text=config)

    assert run.code == 1
    assert [r["status"] for r in svc.requests()] == [404]
    assert run.doc["outcomes"]["precompute"]["2024-11-05"] == {"status": "failed", "attempts": 1,
                                                               "last_http_status": 404}


def test_a_hanging_service_times_out_and_is_retried(house, serve, fill):
    drop_phase4(house, ["2024-11-05"])
    svc = serve(house.root, faults="hang=2024-11-05")

    started = time.monotonic()
    run = fill(house.root, svc, timeout=0.3)

    assert time.monotonic() - started < 5
    assert run.code == 1
    assert run.attempts() == [("precompute", "2024-11-05", n, None) for n in (1, 2, 3, 4)]
    assert all(r["error"] == "timed out after 0.3 s" for r in run.ledger if r["event"] == "attempt")
    assert run.doc["outcomes"]["precompute"]["2024-11-05"] == {"status": "failed", "attempts": 4,
                                                               "last_http_status": None}


def test_connection_refused_is_retried_then_failed(house, fill):
    drop_phase4(house, ["2024-11-05"])
    slept: list[float] = []

    run = fill(house.root, None, sleep=slept.append)  # nothing listens on port 9

    assert run.code == 1
    assert [a[2:] for a in run.attempts()] == [(1, None), (2, None), (3, None), (4, None)]
    assert slept == [0.25, 0.5, 1.0]
    assert "ConnectionError" in run.ledger[-2]["detail"]


def test_circuit_breaker_stops_after_five_consecutive_failed_dates(house, serve, fill):
    add_game_days(house, EXTRA_DAYS[:8])
    svc = serve(house.root, faults="silent=" + ",".join(EXTRA_DAYS[:8]))

    run = fill(house.root, svc, workers=1)

    assert run.code == 1
    assert sent_dates(svc) == list(EXTRA_DAYS[:5])
    assert run.outcomes("precompute") == {**dict.fromkeys(EXTRA_DAYS[:5], "silent_failure"),
                                          **dict.fromkeys(EXTRA_DAYS[5:8], "not_sent")}
    assert "circuit breaker open: 5 consecutive dates failed" in run.out
    assert run.doc["stopped"] == "circuit_open"
