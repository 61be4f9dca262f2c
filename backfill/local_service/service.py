"""What the local service answers, independent of HTTP plumbing: the contract (section 4) plus injected faults.

POST /process-date        (Phase 4) body: analysis_date (required; YYYY-MM-DD, AUTO, TODAY, TOMORROW),
                          backfill_mode, processors (empty = all five; unknown names ignored). 400 without
                          analysis_date; otherwise 200 {"status": "completed", "analysis_date", "results"} with
                          empty `stats`, even when nothing was written (bootstrap days, days without games).
POST /process-date-range  (Phase 3) body: start_date, end_date (required), processors, backfill_mode. Without
                          backfill_mode true, dates more than 90 days old are skipped silently.
Unknown body keys are ignored. Above the concurrency limit: 429 with Retry-After, as Cloud Run does at its
instance limit. With a latency of S seconds, every accepted request takes at least S seconds in all.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from nbadq.backfill.local_service.faults import Faults
from nbadq.backfill.local_service.processing import Processing
from nbadq.backfill.local_service.request_log import token_fingerprint
from nbadq.calendar import iso_date
from nbadq.schema import PHASE4_PROCESSORS

PHASE4_PATH = "/process-date"
PHASE3_PATH = "/process-date-range"
HANG_SECONDS = 3600.0


@dataclass(frozen=True)
class Reply:
    status: int
    payload: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


class BadRequest(Exception):
    pass


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
                 retry_after: int) -> None:
        self.processing = processing
        self.faults = faults
        self.latency = faults.latency if faults.latency is not None else latency
        self.gate = ConcurrencyGate(max_concurrency)
        self.retry_after = retry_after
        self.stopping = threading.Event()  # set on shutdown: ends latency waits and hangs
        self._lock = threading.Lock()
        self._attempts: Counter[str] = Counter()
        self._token_uses: Counter[str] = Counter()

    def answer(self, path: str, body: Any, token: str | None) -> Reply:
        if path not in (PHASE4_PATH, PHASE3_PATH):
            return Reply(404, {"error": f"no such endpoint {path}"})
        if not self.gate.enter():
            return Reply(429, {"error": "too many requests", "limit": self.gate.limit},
                         {"Retry-After": str(self.retry_after)})
        try:
            return self._admitted(path, body, token)
        finally:
            self.gate.leave()

    def _admitted(self, path: str, body: Any, token: str | None) -> Reply:
        rejected = self._check_token(token)
        if rejected:
            return rejected
        try:
            request = _parse(path, body)
        except BadRequest as exc:
            return Reply(400, {"error": str(exc)})
        dates = request["dates"]
        with self._lock:
            self._attempts[request["key"]] += 1
            attempt = self._attempts[request["key"]]
        if attempt <= self.faults.fails_first(dates):
            return Reply(503, {"error": "service unavailable (injected)"})
        started = time.monotonic()
        if self.faults.hang.intersection(dates):
            self.stopping.wait(HANG_SECONDS)
        if self.stopping.is_set():
            return Reply(503, {"error": "shutting down"})
        reply = Reply(200, self._process(path, request))
        # --latency is how long a request takes in all, like a real processor run: the simulation's own compute
        # time is part of it, not added to it.
        self.stopping.wait(max(0.0, self.latency - (time.monotonic() - started)))
        return reply

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
    try:
        return iso_date(value)
    except (TypeError, ValueError):
        raise BadRequest(f"{name} must be YYYY-MM-DD, not {value!r}") from None
