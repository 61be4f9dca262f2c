"""What the local service answers, independent of HTTP plumbing: the contract (section 4) plus injected faults.

POST /process-date        (Phase 4) body: analysis_date (required; YYYY-MM-DD, AUTO, TODAY, TOMORROW),
                          backfill_mode, processors (empty = all five; unknown names ignored). 400 without
                          analysis_date; otherwise 200 {"status": "completed", "analysis_date", "results"} with
                          empty `stats`, even when nothing was written (bootstrap days, days without games).
POST /process-date-range  (Phase 3) body: start_date, end_date (required), processors, backfill_mode. Without
                          backfill_mode true, dates more than 90 days old are skipped silently.
POST /start               (prediction coordinator) body: game_date (required; YYYY-MM-DD, TODAY, TOMORROW),
                          skip_completeness_check, prediction_run_mode, force. 202 started, 409 already_running,
                          503 DATA_INCOMPLETE (the gate, see phase5_routes.py), 200 no_games_scheduled.
GET  /status?batch_id=    200 in_progress | complete, 404 not_found.
POST|GET /grade-date?date=  (grading) synchronous DELETE+INSERT of the date's grades: 200 success; 400 bad date.
Unknown body keys are ignored. Each service has its own concurrency limit, as separate Cloud Run services do;
above it: 429 with Retry-After. With a latency of S seconds, every accepted request (a coordinator batch: from
/start to complete) takes at least S seconds in all. Auth: none unless the token-expires-after fault is set;
the coordinator also takes an X-API-Key equal to the service's api_key in place of a bearer token.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import Counter
from typing import Any, Mapping

from nbadq.backfill.local_service.calls import BadRequest, Call, Reply, parse_date
from nbadq.backfill.local_service.faults import Faults
from nbadq.backfill.local_service.phase5_routes import Phase5
from nbadq.backfill.local_service.processing import Processing
from nbadq.backfill.local_service.request_log import token_fingerprint
from nbadq.schema import PHASE4_PROCESSORS

PHASE4_PATH = "/process-date"
PHASE3_PATH = "/process-date-range"
START_PATH = "/start"
STATUS_PATH = "/status"
GRADE_PATH = "/grade-date"
# Which fill layer each route refills: per-layer latencies and concurrency limits are keyed by these.
LAYER_OF = {PHASE3_PATH: "analytics", PHASE4_PATH: "precompute", START_PATH: "predictions",
            STATUS_PATH: "predictions", GRADE_PATH: "grading"}
ROUTES = {("POST", PHASE4_PATH), ("POST", PHASE3_PATH), ("POST", START_PATH), ("GET", STATUS_PATH),
          ("POST", GRADE_PATH), ("GET", GRADE_PATH)}
HANG_SECONDS = 3600.0


class ConcurrencyGate:
    """Admits at most `limit` requests at once; the rest are turned away (429), not queued."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._active = 0
        self._lock = threading.Lock()

    def enter(self) -> bool:
        with self._lock:
            if self._active >= self.limit:
                return False
            self._active += 1
            return True

    def leave(self) -> None:
        with self._lock:
            self._active -= 1


class Service:
    def __init__(self, processing: Processing, faults: Faults, latency: float, max_concurrency: int,
                 retry_after: int, latencies: Mapping[str, float] | None = None, grading_concurrency: int = 2,
                 api_key: str | None = None) -> None:
        self.processing = processing
        self.faults = faults
        self.latency = faults.latency if faults.latency is not None else latency
        self.latencies = dict(latencies or {})  # layer -> seconds, over the one latency
        # Separate Cloud Run services, separate limits; the coordinator's limit is its one batch (409).
        self.gates = {"analytics": ConcurrencyGate(max_concurrency), "precompute": ConcurrencyGate(max_concurrency),
                      "grading": ConcurrencyGate(grading_concurrency)}
        self.retry_after = retry_after
        self.api_key = api_key
        self.stopping = threading.Event()  # set on shutdown: ends latency waits and hangs
        self._lock = threading.Lock()
        self._attempts: Counter[str] = Counter()
        self._token_uses: Counter[str] = Counter()
        self.phase5 = Phase5(self)

    def latency_of(self, layer: str) -> float:
        return self.latencies.get(layer, self.latency)

    def answer(self, call: Call) -> Reply:
        if (call.method, call.path) not in ROUTES:
            return Reply(404, {"error": f"no such endpoint {call.method} {call.path}"})
        gate = self.gates.get(LAYER_OF[call.path])
        if gate is not None and not gate.enter():
            return Reply(429, {"error": "too many requests", "limit": gate.limit},
                         {"Retry-After": str(self.retry_after)})
        try:
            rejected = self.authorize(call)
            if rejected:
                return rejected
            if call.path in (PHASE4_PATH, PHASE3_PATH):
                return self._admitted(call.path, call.body)
            return self.phase5.answer(call)
        finally:
            if gate is not None:
                gate.leave()

    def injected(self, key: str, dates: tuple[dt.date, ...]) -> Reply | None:
        """The transient 503s and hangs injected for this request (keyed per layer and date), else None."""
        with self._lock:
            self._attempts[key] += 1
            attempt = self._attempts[key]
        if attempt <= self.faults.fails_first(dates):
            return Reply(503, {"error": "service unavailable (injected)"})
        if self.faults.hang.intersection(dates):
            self.stopping.wait(HANG_SECONDS)
        if self.stopping.is_set():
            return Reply(503, {"error": "shutting down"})
        return None

    def wait_out(self, layer: str, started: float) -> None:
        """--latency is how long a request takes in all, like a real processor run: the simulation's own compute
        time is part of it, not added to it."""
        self.stopping.wait(max(0.0, self.latency_of(layer) - (time.monotonic() - started)))

    def _admitted(self, path: str, body: Any) -> Reply:
        try:
            request = _parse(path, body)
        except BadRequest as exc:
            return Reply(400, {"error": str(exc)})
        started = time.monotonic()
        failed = self.injected(request["key"], request["dates"])
        if failed:
            return failed
        reply = Reply(200, self._process(path, request))
        self.wait_out(LAYER_OF[path], started)
        return reply

    def authorize(self, call: Call) -> Reply | None:
        """None when the call may proceed. The coordinator also takes its API key instead of a bearer token."""
        if call.api_key is not None and LAYER_OF[call.path] == "predictions":
            if self.api_key is not None and call.api_key == self.api_key:
                return None
            return Reply(401, {"error": "invalid API key"})
        return self._check_token(call.token)

    def _check_token(self, token: str | None) -> Reply | None:
        limit = self.faults.token_expires_after
        if limit is None:
            return None
        if not token:
            return Reply(401, {"error": "missing bearer token"})
        with self._lock:
            key = token_fingerprint(token) or ""
            if self._token_uses[key] >= limit:
                return Reply(401, {"error": "token expired"})
            self._token_uses[key] += 1
        return None

    def _process(self, path: str, request: dict[str, Any]) -> dict[str, Any]:
        dates, processors = request["dates"], request["processors"]
        if path == PHASE4_PATH:
            day = dates[0]
            if day in self.faults.error:
                results = _errors(p for p in PHASE4_PROCESSORS if not processors or p in processors)
            elif day in self.faults.silent:
                results = [{"processor": p, "status": "success", "stats": {}}
                           for p in PHASE4_PROCESSORS if not processors or p in processors]
            else:
                results = self.processing.phase4(day, processors, request["backfill_mode"])
            return {"status": "completed", "analysis_date": day.isoformat(), "results": results}
        start, end = request["start"], request["end"]
        if self.faults.error.intersection(dates):
            results = _errors(["PlayerGameSummaryProcessor"])
        else:
            results = self.processing.phase3(start, end, processors, request["backfill_mode"],
                                             skip=self.faults.silent)
        return {"status": "completed", "date_range": f"{start} to {end}", "results": results}


def _errors(processors) -> list[dict[str, Any]]:
    return [{"processor": p, "status": "error", "stats": {}} for p in processors]


def _parse(path: str, body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise BadRequest("body must be a JSON object")
    processors = body.get("processors") or []
    if not isinstance(processors, list):
        raise BadRequest("processors must be a list of class names")
    backfill_mode = body.get("backfill_mode") is True
    if path == PHASE4_PATH:
        if not body.get("analysis_date"):
            raise BadRequest("analysis_date is required")
        day = _analysis_date(body["analysis_date"])
        return {"key": day.isoformat(), "dates": (day,), "processors": processors, "backfill_mode": backfill_mode}
    if not body.get("start_date") or not body.get("end_date"):
        raise BadRequest("start_date and end_date are required")
    start, end = _date(body["start_date"], "start_date"), _date(body["end_date"], "end_date")
    if end < start:
        raise BadRequest("end_date is before start_date")
    dates = tuple(start + dt.timedelta(n) for n in range((end - start).days + 1))
    return {"key": f"{start}..{end}", "dates": dates, "start": start, "end": end, "processors": processors,
            "backfill_mode": backfill_mode}


def _analysis_date(value: Any) -> dt.date:
    today = dt.date.today()
    special = {"TODAY": today, "TOMORROW": today + dt.timedelta(1), "AUTO": today - dt.timedelta(1)}
    return special[value] if value in special else _date(value, "analysis_date")


def _date(value: Any, name: str) -> dt.date:
    return parse_date(value, name)
