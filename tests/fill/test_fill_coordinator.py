"""The prediction coordinator's protocol and the grading call, against real HTTP servers on 127.0.0.1: 202 then
polling, 409 waiting, 503 blocking, status timeouts, not_found, X-API-Key and its redaction."""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Any

import pytest

from nbadq.backfill.backoff import Backoff
from nbadq.backfill.client import CallResult, FillClient, make_session
from nbadq.backfill.config import parse_fill_table
from nbadq.backfill.endpoints import build_calls
from nbadq.backfill.outcomes import BLOCKED_UPSTREAM, FILLED, judge
from nbadq.backfill.tokens import NoToken, Redactor, token_source
from tests.fill import scripted

DAY = dt.date(2024, 11, 6)
BODY = {"game_date": "2024-11-06", "prediction_run_mode": "BACKFILL"}
KEY = "key-0123456789abcdef"


@pytest.fixture
def server():
    """server(respond) -> a Scripted server on 127.0.0.1 answering with respond(request) -> (status, body)."""
    started = []

    def run(respond):
        script, srv = scripted.start(respond)
        started.append(srv)
        return script

    yield run
    for srv in started:
        srv.shutdown()
        srv.server_close()


class Recorder:
    """A FillClient with every hook recorded; sleeps are recorded, not slept."""

    def __init__(self, stop_after_polls: int | None = None) -> None:
        self.waits: list[float] = []
        self.sends: list[int] = []
        self.polls: list[tuple[str, int | None, Any]] = []
        self.redactor = Redactor()
        self._stop_after = stop_after_polls

    def client(self) -> FillClient:
        return FillClient(make_session(1), Backoff(base=0.5, cap=4, random=lambda: 0.0), self.redactor,
                          on_send=lambda call, n: self.sends.append(n), sleep=self.waits.append,
                          stopping=lambda: self._stop_after is not None and len(self.polls) >= self._stop_after,
                          on_poll=lambda call, batch, a: self.polls.append(
                              (batch, a.http_status, (a.payload or {}).get("status"))))


def _filler(layer: str = "predictions", **extra: Any):
    table = {"kind": "coordinator", "poll_interval_seconds": 1, "poll_max_seconds": 4, "date_timeout_seconds": 30,
             **extra} if layer == "predictions" else {"kind": "grading", **extra}
    return parse_fill_table({layer: table}, "fill.toml").fillers[layer]


def _send(url: str, rec: Recorder, tokens=None, **extra: Any) -> CallResult:
    [call] = build_calls(_filler(**extra), [DAY])
    return rec.client().send(call, url, tokens or NoToken())


def _batches(statuses: dict[str, list[str]]):
    """/status answers: per batch id, the statuses in order (the last one repeated); unknown ids get 404."""
    def status(request):
        batch = request.query.get("batch_id", "")
        if batch not in statuses:
            return 404, {"error": "not_found", "batch_id": batch}
        answers = statuses[batch]
        return 200, {"status": answers.pop(0) if len(answers) > 1 else answers[0], "batch_id": batch,
                     "progress": {"completed": 0}}
    return status


def test_a_202_batch_is_polled_with_backoff_until_complete(server):
    status = _batches({"batch_2024-11-06_1": ["in_progress", "in_progress", "in_progress", "complete"]})
    svc = server(lambda r: (202, {"status": "started", "batch_id": "batch_2024-11-06_1", "game_date": "2024-11-06",
                                  "monitor_url": "/status?batch_id=batch_2024-11-06_1"})
                 if r.path == "/start" else status(r))
    rec = Recorder()

    result = _send(svc.url, rec)

    assert (result.ok, result.http_status, result.attempts, result.blocked) == (True, 200, 1, None)
    assert svc.seen() == [("POST", "/start")] + [("GET", "/status?batch_id=batch_2024-11-06_1")] * 4
    assert svc.requests[0].body == BODY  # never `force`, never skip_completeness_check
    assert rec.waits == [1.0, 2.0, 4.0, 4.0]  # doubling from poll_interval_seconds, capped at poll_max_seconds
    assert rec.sends == [1]  # polls are not sends
    assert rec.polls == [("batch_2024-11-06_1", 200, "in_progress")] * 3 + [("batch_2024-11-06_1", 200, "complete")]


def test_409_waits_for_the_running_batch_then_starts_again(server):
    starts = [(409, {"error": "already_running", "batch_id": "batch_2024-11-05_7", "game_date": "2024-11-05"}),
              (202, {"status": "started", "batch_id": "batch_2024-11-06_8"})]
    status = _batches({"batch_2024-11-05_7": ["in_progress", "complete"], "batch_2024-11-06_8": ["complete"]})
    svc = server(lambda r: starts.pop(0) if r.path == "/start" else status(r))
    rec = Recorder()

    result = _send(svc.url, rec)

    assert result.ok and result.attempts == 2
    assert svc.seen() == [("POST", "/start"), ("GET", "/status?batch_id=batch_2024-11-05_7"),
                          ("GET", "/status?batch_id=batch_2024-11-05_7"), ("POST", "/start"),
                          ("GET", "/status?batch_id=batch_2024-11-06_8")]
    assert [r.body for r in svc.requests if r.path == "/start"] == [BODY, BODY]
    assert [p[0] for p in rec.polls] == ["batch_2024-11-05_7", "batch_2024-11-05_7", "batch_2024-11-06_8"]


def test_409_for_this_dates_own_batch_waits_for_it_and_starts_no_second_one(server):
    status = _batches({"batch_2024-11-06_3": ["in_progress", "complete"]})
    svc = server(lambda r: (409, {"error": "already_running", "batch_id": "batch_2024-11-06_3"})
                 if r.path == "/start" else status(r))

    result = _send(svc.url, Recorder())

    assert result.ok
    assert svc.seen() == [("POST", "/start")] + [("GET", "/status?batch_id=batch_2024-11-06_3")] * 2


def test_503_data_incomplete_blocks_the_date_at_once_with_the_services_details(server):
    details = {"missing_dates": ["2024-11-01"], "analytics_coverage": 0.62, "note": f"api key {KEY}"}
    svc = server(lambda r: (503, {"error": "DATA_INCOMPLETE", "details": details}))
    rec = Recorder()

    result = _send(svc.url, rec, tokens=token_source(svc.url, None, rec.redactor, {}, KEY))

    assert svc.seen() == [("POST", "/start")]  # not retried: asking again cannot help
    assert not result.ok and result.http_status == 503 and result.attempts == 1
    assert result.blocked == ('DATA_INCOMPLETE {"analytics_coverage": 0.62, "missing_dates": ["2024-11-01"], '
                              '"note": "api key [redacted]"}')
    assert KEY not in (result.error or "")
    outcome = judge("predictions", DAY, result, ("predictions.completeness",))
    assert outcome.status == BLOCKED_UPSTREAM
    assert outcome.detail.startswith("upstream not ready: DATA_INCOMPLETE {") and \
        outcome.detail.endswith("; still fails predictions.completeness")
    # The proof still decides: a blocked date that passes anyway is filled.
    assert judge("predictions", DAY, result, ()).status == FILLED


def test_a_plain_503_is_retried_like_any_overload(server):
    svc = server(lambda r: (503, {"error": "Service Unavailable"}))
    result = _send(svc.url, Recorder())
    assert len(svc.requests) == 4 and result.attempts == 4 and result.blocked is None


def test_a_batch_that_never_completes_fails_after_the_date_timeout(server):
    svc = server(lambda r: (202, {"batch_id": "batch_2024-11-06_1"}) if r.path == "/start"
                 else (200, {"status": "in_progress"}))
    rec = Recorder()

    result = _send(svc.url, rec, date_timeout_seconds=10)

    assert not result.ok
    assert result.error == "batch batch_2024-11-06_1 not complete after 10 s (date_timeout_seconds)"
    assert rec.waits[:3] == [1.0, 2.0, 4.0] and len(rec.waits) == 4 and sum(rec.waits) <= 10
    assert len(rec.polls) == 3  # 1 + 2 + 4 s, then the last 3 s run out before a fourth poll


def test_a_409_wait_counts_against_the_same_date_timeout(server):
    svc = server(lambda r: (409, {"error": "already_running", "batch_id": "batch_2024-11-05_1"})
                 if r.path == "/start" else (200, {"status": "in_progress"}))
    result = _send(svc.url, Recorder(), date_timeout_seconds=3)
    assert result.error == "batch batch_2024-11-05_1 not complete after 3 s (date_timeout_seconds)"
    assert [m for m, _ in svc.seen()] == ["POST", "GET"]


@pytest.mark.parametrize("start, status, error", [
    ((202, {"batch_id": "batch_2024-11-06_1"}), (404, {"error": "not_found"}),
     "batch batch_2024-11-06_1: /status answered 404 not_found"),
    ((202, {"batch_id": "batch_2024-11-06_1"}), (200, {"status": "failed"}),
     "batch batch_2024-11-06_1: status 'failed'"),
    ((202, {"status": "started"}), None, "the coordinator answered 202 without a batch_id"),
    ((404, {"error": "no eligible players"}), None, 'HTTP 404: {"error": "no eligible players"}'),
])
def test_what_fails_a_date(server, start, status, error):
    svc = server(lambda r: start if r.path == "/start" else status)
    result = _send(svc.url, Recorder())
    assert (result.ok, result.error) == (False, error)
    assert len([r for r in svc.requests if r.path == "/start"]) == 1


def test_no_games_scheduled_is_left_to_the_proof(server):
    svc = server(lambda r: (200, {"status": "no_games_scheduled"}))
    result = _send(svc.url, Recorder())
    assert result.ok and svc.seen() == [("POST", "/start")]


def test_a_stop_ends_the_wait_without_more_requests(server):
    svc = server(lambda r: (202, {"batch_id": "batch_2024-11-06_1"}) if r.path == "/start"
                 else (200, {"status": "in_progress"}))
    result = _send(svc.url, Recorder(stop_after_polls=2))
    assert result.error == "stopped while waiting for batch batch_2024-11-06_1 (it keeps running on the service)"
    assert len(svc.requests) == 3


def test_the_api_key_goes_in_x_api_key_and_never_into_a_message(server):
    svc = server(lambda r: (500, {"error": f"boom, your key was {r.headers.get('X-API-Key')}"}))
    rec = Recorder()

    result = _send(svc.url, rec, tokens=token_source(svc.url, None, rec.redactor, {}, KEY))

    assert [r.headers for r in svc.requests] == [{"X-API-Key": KEY}] * 4  # no Bearer: the key alone
    assert KEY not in json.dumps(result.error) and "[redacted]" in result.error


def test_a_rejected_api_key_is_not_retried(server):
    svc = server(lambda r: (401, {"error": "unauthorized"}))
    rec = Recorder()
    result = _send(svc.url, rec, tokens=token_source(svc.url, None, rec.redactor, {}, KEY))
    assert len(svc.requests) == 1
    assert result.error.endswith("token refresh: the service rejected the X-API-Key (api_key_env); check the key")


def test_grading_posts_the_date_as_a_query_parameter_without_a_body(server):
    svc = server(lambda r: (200, {"status": "success", "game_date": r.query["date"], "result": {},
                                  "trigger": "manual"}))
    [call] = build_calls(_filler("grading"), [DAY])

    result = Recorder().client().send(call, svc.url, NoToken())

    assert result.ok and svc.seen() == [("POST", "/grade-date?date=2024-11-06")]
    assert svc.requests[0].body is None


def test_the_two_kinds_defaults():
    fillers = parse_fill_table({"predictions": {"kind": "coordinator"}, "grading": {"kind": "grading"}},
                               "fill.toml").fillers
    pred, grade = fillers["predictions"], fillers["grading"]
    assert (pred.url_env, pred.path, pred.concurrency, pred.status_path, pred.poll_interval_seconds,
            pred.poll_max_seconds, pred.date_timeout_seconds, pred.api_key_env) == (
        "NBADQ_PREDICTIONS_URL", "/start", 1, "/status", 15.0, 120.0, 3600.0, None)
    assert (grade.url_env, grade.path, grade.concurrency, grade.timeout_seconds) == (
        "NBADQ_GRADING_URL", "/grade-date", 2, 600.0)


@pytest.mark.parametrize("table, message", [
    ({"kind": "grading", "poll_interval_seconds": 5},
     'poll_interval_seconds is only for kind = "coordinator" (a grading service answers when the work is done)'),
    ({"kind": "coordinator", "date_timeout_seconds": 0},
     "date_timeout_seconds in [grading] of fill.toml must be a number >= 0.001, not 0"),
    ({"kind": "coordinator", "api_key_env": "sk-live-123 456"},
     "api_key_env in [grading] of fill.toml must be the name of an environment variable holding the key (never "
     "the key itself), not '<hidden>'"),
])
def test_bad_polling_and_key_settings_are_usage_errors(table, message):
    from nbadq.errors import UsageError

    with pytest.raises(UsageError) as caught:
        parse_fill_table({"grading": table}, "fill.toml")
    assert message in str(caught.value) and "sk-live" not in str(caught.value)


def test_the_key_alone_mints_no_identity_token_and_goes_beside_a_command_token(tmp_path):
    from nbadq.backfill.tokens import auth_headers

    redactor = Redactor()
    alone = token_source("https://predictions.invalid", None, redactor, {}, KEY)  # no Google credentials needed
    assert auth_headers(alone, alone.token()) == {"X-API-Key": KEY}
    script = tmp_path / "token.py"
    script.write_text("print('identity-token-1')")
    both = token_source("https://predictions.invalid", f"{sys.executable} {script}", redactor, {}, KEY)
    assert auth_headers(both, both.token()) == {"Authorization": "Bearer identity-token-1", "X-API-Key": KEY}
    assert redactor(f"{KEY} identity-token-1") == "[redacted] [redacted]"


def test_failures_a_batch_reports_belong_to_its_own_date_only(server):
    starts = [(409, {"status": "already_running", "batch_id": "batch_2024-11-05_1"}),
              (202, {"batch_id": "batch_2024-11-06_2"})]
    other = {"status": "complete", "error": "boom", "progress": {"failed": 3}}
    svc = server(lambda r: starts.pop(0) if r.path == "/start" else
                 (200, other if r.query["batch_id"] == "batch_2024-11-05_1" else {"status": "complete",
                                                                                 "progress": {"failed": 0}}))
    assert _send(svc.url, Recorder()).reported == ()

    failing = server(lambda r: (202, {"batch_id": "batch_2024-11-06_1"}) if r.path == "/start" else (200, other))
    result = _send(failing.url, Recorder())
    assert result.reported == ("batch batch_2024-11-06_1: 3 request(s) failed (boom)",)
