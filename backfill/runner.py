"""Sending the planned calls: layer by layer in dependency order, a bounded number at a time, each date proven.

Within a layer at most `workers` dates are in flight (never more than the filler's concurrency limit: the Phase 4
service runs 5 instances and answers 429/503 beyond that). A date is in flight from its first attempt until its
proof (the re-check, milliseconds) is written, so when the circuit breaker counts five failures in a row, no
sixth date has been launched behind their backs. A layer finishes completely, proofs included, before the next
one starts: precompute reads what analytics just rewrote.

Nothing is launched once the stop flag is set (Ctrl-C, SIGTERM, or the circuit breaker); calls in flight finish
and are proven, and every date not launched ends `not_sent`.
"""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace

from nbadq.backfill.circuit import CircuitBreaker
from nbadq.backfill.client import Attempt, CallResult, FillClient
from nbadq.backfill.endpoints import Call
from nbadq.backfill.ledger import Ledger
from nbadq.backfill.outcomes import NOT_SENT, Outcome, judge, not_sent
from nbadq.backfill.plan import LayerPlan
from nbadq.backfill.progress import Progress
from nbadq.backfill.stopping import CIRCUIT_OPEN, StopFlag
from nbadq.backfill.tokens import Redactor, TokenSource
from nbadq.backfill.verify import Verifier

NOT_SENT_WHY = {CIRCUIT_OPEN: "circuit breaker open", "interrupted": "interrupted (SIGINT)",
                "terminated": "terminated (SIGTERM)"}


@dataclass(frozen=True)
class LayerTarget:
    plan: LayerPlan
    base_url: str
    tokens: TokenSource
    workers: int


class Runner:
    def __init__(self, client_factory, verifier: Verifier, ledger: Ledger | None, progress: Progress,
                 stop: StopFlag, circuit: CircuitBreaker, redactor: Redactor) -> None:
        """`client_factory(on_send, on_attempt, sleep, stopping) -> FillClient` (the runner owns the hooks)."""
        self._client: FillClient = client_factory(self._sending, self._attempted, stop.sleep, stop.is_set)
        self._verifier = verifier
        self._ledger = ledger
        self._progress = progress
        self._stop = stop
        self._circuit = circuit
        self._redact = redactor
        self._in_flight = 0
        self._lock = threading.Lock()

    def run(self, targets: list[LayerTarget]) -> dict[str, dict[dt.date, Outcome]]:
        return {t.plan.layer: self._run_layer(t) for t in targets}

    def _run_layer(self, target: LayerTarget) -> dict[dt.date, Outcome]:
        found: dict[dt.date, Outcome] = {}
        calls = target.plan.calls
        if not calls:
            return found
        if self._stop.is_set():
            self._progress.note(f"{target.plan.layer}: {len(target.plan.dates)} dates not sent ({self._stop.reason})")
        else:
            self._progress.note(f"{target.plan.layer}: {len(target.plan.dates)} dates in {len(calls)} requests, "
                                f"{target.workers} at a time")
        with ThreadPoolExecutor(max_workers=target.workers, thread_name_prefix=f"fill-{target.plan.layer}") as pool:
            futures = [pool.submit(self._one_call, target, call) for call in calls]
            for future in as_completed(futures):
                for outcome in future.result():
                    found[outcome.date] = outcome
        return dict(sorted(found.items()))

    def _one_call(self, target: LayerTarget, call: Call) -> list[Outcome]:
        if self._stop.is_set():
            why = NOT_SENT_WHY.get(self._stop.reason or "", "stopped")
            return self._record([not_sent(call.layer, d, why) for d in call.dates])
        with self._lock:
            self._in_flight += 1
        try:
            return self._record(self._prove(target.plan, call, self._send(target, call)))
        finally:
            with self._lock:
                self._in_flight -= 1

    def _send(self, target: LayerTarget, call: Call) -> CallResult:
        try:
            return self._client.send(call, target.base_url, target.tokens)
        except Exception as exc:  # a bug must cost one date, not the run (and its message stays token-free)
            return CallResult(http_status=None, attempts=1, error=self._redact(f"internal error: {exc!r}"))

    def _prove(self, plan: LayerPlan, call: Call, result: CallResult) -> list[Outcome]:
        try:
            still = self._verifier.still_failing({d: plan.rules[d] for d in call.dates})
        except Exception as exc:  # the re-check failing must not hide what the call did
            error = self._redact(f"{type(exc).__name__}: {exc}", 300)
            return [judge(call.layer, d, result, None, error) for d in call.dates]
        return [judge(call.layer, d, result, still[d]) for d in call.dates]

    def _record(self, outcomes: list[Outcome]) -> list[Outcome]:
        # Every outcome is shown and stored from here on: one last pass of the Redactor over its detail.
        outcomes = [replace(o, detail=self._redact(o.detail)) for o in outcomes]
        for o in outcomes:
            if self._ledger is not None:
                self._ledger.write("outcome", layer=o.layer, date=o.date.isoformat(), status=o.status,
                                   attempts=o.attempts, last_http_status=o.last_http_status, detail=o.detail)
            self._progress.outcome(o)
            if o.status != NOT_SENT and self._circuit.record(o.bad):
                self._open_circuit(o)
        return outcomes

    def _open_circuit(self, last: Outcome) -> None:
        if self._stop.set(CIRCUIT_OPEN):
            self._progress.note(f"circuit breaker open: {self._circuit.threshold} consecutive dates failed "
                                f"(last: {last.layer} {last.date} {last.status}: {last.detail}); launching nothing "
                                f"more, finishing the {self._in_flight - 1} other call(s) in flight")

    def _sending(self, call: Call, number: int) -> None:
        if self._ledger is not None:
            self._ledger.write("send", layer=call.layer, date=call.label, dates=[d.isoformat() for d in call.dates],
                               attempt=number)

    def _attempted(self, call: Call, attempt: Attempt) -> None:
        if self._ledger is None:
            return
        self._ledger.write("attempt", layer=call.layer, date=call.label, dates=[d.isoformat() for d in call.dates],
                           attempt=attempt.number, http_status=attempt.http_status,
                           duration_s=round(attempt.duration, 3), error=attempt.error,
                           retry_after_s=attempt.retry_after)
