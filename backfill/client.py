"""One request to a filler, with retries: the only place that speaks HTTP to the platform's services.

At most 4 attempts. Retried with backoff (backoff.py): connection errors, timeouts, 429, 500, 502, 503, 504,
honouring Retry-After, except a 503 DATA_INCOMPLETE (the prediction coordinator's completeness gate: upstream data
is missing, and asking again cannot help; the result carries it as `blocked`). 401/403: the token is fetched again
once and the request retried at once; a second rejection ends the call. Any other 4xx, and other 5xx, end the call
at once: sending the same body again cannot help. Every attempt is reported to `on_send` before it goes out and
to `on_attempt` as it ends (the ledger writes a line for each), and every message that leaves this module has
passed through the Redactor (by value and by shape) before it was cut short. A stop (Ctrl-C, SIGTERM, the circuit
breaker) during the wait before a retry ends the call with its last answer: no request goes out after the stop.
A coordinator call (one with `polling`) is a batch: backfill/coordinator.py drives it through `exchange`, and its
status polls are reported to `on_poll`.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, replace
from typing import Any, Callable

import requests
import tenacity
from requests.adapters import HTTPAdapter

from nbadq.backfill.backoff import Backoff, parse_retry_after
from nbadq.backfill.endpoints import Call
from nbadq.backfill.tokens import Redactor, TokenError, TokenSource, auth_headers

MAX_ATTEMPTS = 4
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
AUTH_STATUSES = frozenset({401, 403})
CONNECT_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class Attempt:
    number: int
    http_status: int | None
    duration: float
    error: str | None
    payload: Any = None
    retry_after: float | None = None
    retry: bool = False  # another attempt should follow (if the stop and attempt limits allow)
    immediate: bool = False  # retry without waiting (a fresh token after 401/403)


@dataclass(frozen=True)
class CallResult:
    http_status: int | None  # of the last attempt; None when no response came back
    attempts: int
    error: str | None  # why the call failed; None when the service answered 2xx
    payload: Any = None  # the last response's JSON body
    reported: tuple[str, ...] = ()  # processor errors the service reported in a 2xx body, already redacted
    blocked: str | None = None  # upstream not ready (503 DATA_INCOMPLETE): the service's details, redacted

    @property
    def ok(self) -> bool:
        return self.error is None


def reported_errors(payload: Any) -> list[str]:
    """Processors the service itself reported as failed ("error"/"exception" in `results`). Not redacted: a
    service may echo anything here, so the client passes each through the Redactor before it goes further."""
    results = payload.get("results") if isinstance(payload, dict) else None
    return [f"{r.get('processor', '?')}: {r.get('status')}" + (f" ({r['error']})" if r.get("error") else "")
            for r in (results or []) if isinstance(r, dict) and r.get("status") not in ("success", None)]


def upstream_blocked(status: int | None, payload: Any) -> str | None:
    """The details of a 503 DATA_INCOMPLETE (the coordinator's completeness gate), as JSON text; None otherwise.
    Not redacted: the caller passes it through the Redactor."""
    if status != 503 or not isinstance(payload, dict) or payload.get("error") != "DATA_INCOMPLETE":
        return None
    return "DATA_INCOMPLETE " + json.dumps(payload.get("details"), sort_keys=True, default=str)


def make_session(pool_size: int) -> requests.Session:
    session = requests.Session()
    adapter = HTTPAdapter(pool_connections=4, pool_maxsize=max(pool_size, 4), max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


class FillClient:
    def __init__(self, session: requests.Session, backoff: Backoff, redactor: Redactor,
                 on_attempt: Callable[[Call, Attempt], None] = lambda call, attempt: None,
                 on_send: Callable[[Call, int], None] = lambda call, number: None,
                 sleep: Callable[[float], Any] = time.sleep, stopping: Callable[[], bool] = lambda: False,
                 on_poll: Callable[[Call, str, Attempt], None] = lambda call, batch_id, attempt: None) -> None:
        self._session = session
        self._backoff = backoff
        self.redact = redactor
        self._on_attempt = on_attempt
        self._on_send = on_send
        self._on_poll = on_poll
        self.sleep = sleep
        self.stopping = stopping

    def send(self, call: Call, base_url: str, tokens: TokenSource) -> CallResult:
        """The call's result: one request with retries, or for a coordinator call the whole batch."""
        if call.polling is not None:
            from nbadq.backfill.coordinator import run_batch  # it drives this client: imported here, not at the top

            return run_batch(self, call, base_url, tokens)
        return self.result(self.exchange(call, base_url + call.path, tokens))

    def result(self, last: Attempt, attempts: int | None = None, error: str | None = None) -> CallResult:
        """The CallResult of an exchange ending with `last`; `error` overrides the attempt's own verdict."""
        ok = last.http_status is not None and 200 <= last.http_status < 300
        error = error or (None if ok else (last.error or f"HTTP {last.http_status}"))
        blocked = upstream_blocked(last.http_status, last.payload)
        return CallResult(http_status=last.http_status, attempts=last.number if attempts is None else attempts,
                          payload=last.payload, error=error,
                          reported=tuple(self.redact(e, 300) for e in reported_errors(last.payload)),
                          blocked=self.redact(blocked, 300) if blocked else None)

    def exchange(self, call: Call, url: str, tokens: TokenSource, poll_of: str | None = None) -> Attempt:
        """One request to `url` with retries; its last attempt. A status poll (`poll_of` = the batch id) is
        reported to on_poll instead of on_send/on_attempt: it sends no work."""
        state: dict[str, Any] = {"number": 0, "refreshed": False, "last": None}

        def attempt() -> Attempt:
            # The stop flag may have been set during the wait before this retry (a signal cuts the wait short):
            # then the call ends with its last answer, and no new request goes out.
            if state["last"] is not None and self.stopping():
                return replace(state["last"], retry=False)
            state["number"] += 1
            if poll_of is None:
                self._on_send(call, state["number"])
            state["last"] = result = self._attempt_once(call, url, tokens, state)
            if poll_of is None:
                self._on_attempt(call, result)
            else:
                self._on_poll(call, poll_of, result)
            return result

        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(MAX_ATTEMPTS),
            wait=self._wait,
            retry=tenacity.retry_if_result(lambda a: a.retry and not self.stopping()),
            sleep=self.sleep,
            retry_error_callback=lambda rs: rs.outcome.result(),  # attempts used up: keep the last answer
        )
        return retrying(attempt)

    def _wait(self, retry_state: tenacity.RetryCallState) -> float:
        last: Attempt = retry_state.outcome.result()
        return 0.0 if last.immediate else self._backoff.delay(retry_state.attempt_number, last.retry_after)

    def _attempt_once(self, call: Call, url: str, tokens: TokenSource, state: dict) -> Attempt:
        number = state["number"]
        started = time.monotonic()
        try:
            token = tokens.token()
        except TokenError as exc:
            return Attempt(number, None, 0.0, self.redact(f"token: {exc}"), retry=True)
        headers = auth_headers(tokens, token)
        try:
            response = self._session.request(call.method, url, json=call.body, headers=headers,
                                              timeout=(min(CONNECT_TIMEOUT_SECONDS, call.timeout), call.timeout))
        except requests.Timeout:
            return Attempt(number, None, time.monotonic() - started, f"timed out after {call.timeout:g} s",
                           retry=True)
        except requests.RequestException as exc:
            text = self.redact(f"{type(exc).__name__}: {exc}", 300)
            return Attempt(number, None, time.monotonic() - started, text, retry=True)
        return self._judge(number, response, time.monotonic() - started, tokens, token, state)

    def _judge(self, number: int, response: requests.Response, duration: float, tokens: TokenSource,
               token: str | None, state: dict) -> Attempt:
        status = response.status_code
        payload = _json_or_none(response)
        if 200 <= status < 300:
            return Attempt(number, status, duration, None, payload)
        error = self.redact(f"HTTP {status}: {response.text.strip()}".rstrip(": "), 220)
        if status in AUTH_STATUSES:
            if state["refreshed"]:
                return Attempt(number, status, duration, error + " (after a fresh token)", payload)
            state["refreshed"] = True
            try:
                tokens.refresh(token)
            except TokenError as exc:
                return Attempt(number, status, duration, self.redact(f"{error}; token refresh: {exc}"), payload)
            return Attempt(number, status, duration, error, payload, retry=True, immediate=True)
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        retry = status in RETRY_STATUSES and upstream_blocked(status, payload) is None
        return Attempt(number, status, duration, error, payload, retry_after=retry_after, retry=retry)


def _json_or_none(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None

