"""The prediction coordinator's protocol (contract, section 4): start a batch for one date, wait for it to complete.

- 202: a batch started; GET {status_path}?batch_id=... is polled, the wait between polls starting at
  poll_interval_seconds and doubling up to poll_max_seconds, until `complete`. `complete` proves nothing: the
  runner then re-checks the date in SQL, as for every filler.
- 409 already_running: another batch holds the service (one at a time). Its id is in the body: that batch is polled
  until it completes, then /start is sent again. `force` is never sent: it would run two batches at once. When the
  running batch is for this very date (a run killed with -9 left it running), its end is this date's end: no
  second batch is started, the SQL proof decides.
- 503 DATA_INCOMPLETE: the completeness gate; upstream data is missing. Not retried; the result's `blocked` holds
  the service's details (redacted), and the date ends `blocked_upstream` unless it passes anyway.
- 200 no_games_scheduled: nothing to start; the proof decides. 404 (nobody eligible), a /status 404 (batch
  not_found), a status other than in_progress/complete, or a date that takes longer than date_timeout_seconds
  (waiting for another batch included) fail the date.
Every request goes through FillClient.exchange (retries, token refresh, redaction); /start attempts are ledger
`send`/`attempt` records as for any call, and each status poll a `poll` record naming the batch, so a resumed run can
tell a batch was started. A stop (Ctrl-C, SIGTERM, the circuit breaker) ends the wait at once; the batch itself
keeps running on the service, and `--resume` proves its date in SQL before sending it again.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Callable
from urllib.parse import urlencode

from nbadq.backfill.endpoints import Call

if TYPE_CHECKING:
    from nbadq.backfill.client import Attempt, CallResult, FillClient
    from nbadq.backfill.ledger import Ledger
    from nbadq.backfill.tokens import Redactor, TokenSource

WAITING = ("in_progress", "started", "pending")  # /status answers meaning "not done yet"


def run_batch(client: FillClient, call: Call, base_url: str, tokens: TokenSource) -> CallResult:
    return _Batch(client, call, base_url, tokens).run()


def poll_recorder(ledger: Ledger | None, redact: Redactor) -> Callable[[Call, str, Attempt], None]:
    """FillClient's on_poll: one ledger `poll` record per status poll (batch id, HTTP status, the batch's status;
    what the service wrote passes through the Redactor)."""

    def record(call: Call, batch_id: str, attempt: Attempt) -> None:
        if ledger is None:
            return
        status = attempt.payload.get("status") if isinstance(attempt.payload, dict) else None
        ledger.write("poll", layer=call.layer, date=call.label, dates=[d.isoformat() for d in call.dates],
                     batch_id=redact(batch_id, 200), attempt=attempt.number, http_status=attempt.http_status,
                     batch_status=redact(status, 100) if isinstance(status, str) else None, error=attempt.error,
                     duration_s=round(attempt.duration, 3))

    return record


class _Budget:
    """The time one date may take. Waits count as asked for, not as slept: a test's no-op sleep still spends it,
    and a real sleep is what was asked for anyway (a signal cuts it short, and then the run stops)."""

    def __init__(self, limit: float, sleep: Callable[[float], Any]) -> None:
        self.limit = limit
        self._sleep = sleep
        self._started = time.monotonic()
        self._slept = 0.0  # real time spent sleeping
        self._waited = 0.0  # time asked for

    def remaining(self) -> float:
        spent = time.monotonic() - self._started - self._slept + self._waited
        return self.limit - spent

    def wait(self, seconds: float) -> None:
        seconds = max(min(seconds, self.remaining()), 0.0)
        clock = time.monotonic()
        self._sleep(seconds)
        self._slept += time.monotonic() - clock
        self._waited += seconds


class _Batch:
    def __init__(self, client: FillClient, call: Call, base_url: str, tokens: TokenSource) -> None:
        assert call.polling is not None
        self.client, self.call, self.base_url, self.tokens = client, call, base_url, tokens
        self.polling = call.polling
        self.budget = _Budget(call.polling.date_timeout, client.sleep)
        self.starts = 0  # /start attempts, all rounds together
        self.last: Attempt | None = None  # the last answer of any request, for the result's HTTP status
        self.reported: tuple[str, ...] = ()  # what a complete batch says failed (its `error`, failed requests)

    def run(self) -> CallResult:
        while True:
            start = self.client.exchange(self.call, self.base_url + self.call.path, self.tokens)
            self.starts += start.number
            self.last = start
            if start.http_status == 202:
                batch = _batch_id(start.payload)
                if batch is None:
                    return self._end("the coordinator answered 202 without a batch_id")
                return self._end(self._await(batch))
            if start.http_status != 409 or not _already_running(start.payload):
                return self._end(None)  # 200 no_games_scheduled, 404, 503 DATA_INCOMPLETE, errors: as they are
            running = _batch_id(start.payload)
            why = self._await(running) if running else self._pause(self.polling.interval)
            if why:
                return self._end(why)
            if running and self._ours(start.payload, running):
                return self._end(None)  # this date's own batch is done (its last poll said so): no second one
            self.reported = ()  # another date's batch: what it reported is not about this date

    def _await(self, batch: str) -> str | None:
        """Poll `batch` until complete: None, or why the wait failed."""
        status_call = replace(self.call, method="GET", body=None, polling=None,
                              path=f"{self.polling.status_path}?{urlencode({'batch_id': batch})}")
        delay = self.polling.interval
        while True:
            why = self._pause(delay, batch)
            if why:
                return why
            poll = self.client.exchange(status_call, self.base_url + status_call.path, self.tokens, poll_of=batch)
            self.last = poll
            if poll.http_status == 404:
                return f"batch {batch}: /status answered 404 not_found"
            if poll.http_status is None or not 200 <= poll.http_status < 300:
                return f"batch {batch}: status poll failed: {poll.error or f'HTTP {poll.http_status}'}"
            status = poll.payload.get("status") if isinstance(poll.payload, dict) else None
            if status == "complete":
                self.reported = _batch_errors(batch, poll.payload)
                return None
            if status not in WAITING:
                return self.client.redact(f"batch {batch}: status {status!r}", 200)
            delay = min(delay * 2, self.polling.cap)

    def _pause(self, seconds: float, batch: str | None = None) -> str | None:
        """Wait before the next poll or start; why not to go on (a stop, the date's time used up), or None."""
        what = f"batch {batch}" if batch else "the running batch"
        if not self.client.stopping() and self.budget.remaining() > 0:
            self.budget.wait(seconds)
        if self.client.stopping():
            return f"stopped while waiting for {what} (it keeps running on the service)"
        if self.budget.remaining() <= 0:
            return f"{what} not complete after {self.budget.limit:g} s (date_timeout_seconds)"
        return None

    def _ours(self, payload: Any, batch: str) -> bool:
        """Whether the running batch is for this call's date: the 409 says so, or the id does (batch_<date>_<epoch>)."""
        day = self.call.dates[0].isoformat()
        said = payload.get("game_date") if isinstance(payload, dict) else None
        return said == day or (said is None and batch.startswith(f"batch_{day}_"))

    def _end(self, why: str | None) -> CallResult:
        assert self.last is not None
        result = self.client.result(self.last, attempts=self.starts,
                                    error=self.client.redact(why, 300) if why else None)
        return replace(result, reported=tuple(self.client.redact(r, 300) for r in self.reported))


def _batch_errors(batch: str, payload: dict) -> tuple[str, ...]:
    """A complete batch whose worker requests failed: the date is `failed` (not silent) if its rows are missing."""
    progress = payload.get("progress") if isinstance(payload.get("progress"), dict) else {}
    failed = progress.get("failed")
    if not payload.get("error") and not (isinstance(failed, int) and failed > 0):
        return ()
    count = f"{failed} request(s) failed" if isinstance(failed, int) and failed > 0 else "failed"
    return (f"batch {batch}: {count}" + (f" ({payload['error']})" if payload.get("error") else ""),)


def _batch_id(payload: Any) -> str | None:
    if not isinstance(payload, dict):
        return None
    found = payload.get("batch_id") or payload.get("running_batch_id")
    return found if isinstance(found, str) and found else None


def _already_running(payload: Any) -> bool:
    return isinstance(payload, dict) and "already_running" in (payload.get("error"), payload.get("status"))
