"""Sending the step graph: each request as soon as the steps it depends on are proven, a bounded number at a time
per layer, each date proven.

Requests of different layers and dates run concurrently; per layer at most `workers` are in flight (never more
than the filler's concurrency limit: the Phase 4 service runs 5 instances and answers 429/503 beyond that; the
prediction coordinator runs one batch at a time). A request waits until every planned step of an earlier layer
dated within the 21 days up to its own date (same season; the window it reads) is settled (scheduler.py):
precompute reads what analytics just rewrote. A request is in flight from its first attempt until its proof (the re-check, milliseconds) is written, so
when the circuit breaker counts five failures in a row, no sixth date has been launched behind their backs.

Nothing is launched once the stop flag is set (Ctrl-C, SIGTERM, or the circuit breaker); calls in flight finish
and are proven, and every date not launched ends `not_sent`; so does every date whose upstream step ended badly
(`upstream failed: <layer> <date>`). A failing date the plan marks blocked (raw fails under it) is never sent: it
ends `blocked_upstream` at once. A step the prediction coordinator answers `blocked_upstream` (its
completeness gate) goes out once more, after the unfinished upstream steps dated on or before it.
"""

from __future__ import annotations

import datetime as dt
import queue
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Mapping

from nbadq.backfill.circuit import CircuitBreaker
from nbadq.backfill.client import Attempt, CallResult, FillClient
from nbadq.backfill.endpoints import Call
from nbadq.backfill.ledger import Ledger
from nbadq.backfill.outcomes import BLOCKED_UPSTREAM, FAILED, FILLED, NOT_SENT, SILENT_FAILURE, Outcome, judge, not_sent
from nbadq.backfill.plan import LayerPlan, Plan, blocked_detail
from nbadq.backfill.progress import Progress
from nbadq.backfill.scheduler import Schedule, Unit
from nbadq.backfill.stopping import CIRCUIT_OPEN, StopFlag
from nbadq.backfill.tokens import Redactor, TokenSource
from nbadq.backfill.verify import Verifier

Found = dict[str, dict[dt.date, Outcome]]  # layer -> date -> outcome, as the run settles them
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
        self._schedule: Schedule | None = None
        self._layer_plans: dict[str, LayerPlan] = {}

    def run(self, plan: Plan, targets: Mapping[str, LayerTarget]) -> dict[str, dict[dt.date, Outcome]]:
        """Every planned date of the layers in `targets`, each with its outcome."""
        schedule = self._schedule = Schedule.of(plan, {layer: t.workers for layer, t in targets.items()})
        self._layer_plans = {layer: t.plan for layer, t in targets.items()}
        found: Found = {layer: {} for layer in targets if targets[layer].plan.calls}
        self._announce(targets)
        self._settle_blocked(plan, found)
        done: queue.Queue[tuple[Unit, list[Outcome]]] = queue.Queue()
        with ThreadPoolExecutor(max_workers=max(1, sum(t.workers for t in targets.values())),
                                thread_name_prefix="fill") as pool:
            while not schedule.finished:
                for unit in self._launchable(schedule, found):
                    schedule.start(unit)
                    pool.submit(self._work, targets[unit.call.layer], unit, done)
                if not any(schedule.running.values()):
                    self._strand(schedule, found)  # nothing in flight and nothing can start: cannot happen
                    break
                unit, outcomes = done.get()
                if not self._requeued(schedule, unit, outcomes):
                    self._settle(schedule, unit, outcomes, found, started=True)
        return {layer: dict(sorted(by_date.items())) for layer, by_date in found.items()}

    def _settle_blocked(self, plan: Plan, found: Found) -> None:
        """Failing dates planned as not sent because raw fails under them (plan.py): their outcome is written now,
        without a request, and they count for no circuit breaker (nothing was sent)."""
        for lp in plan.layers:
            if not lp.blocked:
                continue
            self._progress.note(f"{lp.layer}: {len(lp.blocked)} failing date(s) not sent: raw fails on them and no "
                                f"service refills raw ({BLOCKED_UPSTREAM})")
            for day, rules in lp.blocked.items():
                o = Outcome(layer=lp.layer, date=day, status=BLOCKED_UPSTREAM, detail=blocked_detail(rules))
                if self._ledger is not None:
                    self._ledger.write("outcome", layer=o.layer, date=day.isoformat(), status=o.status, attempts=0,
                                       last_http_status=None, detail=o.detail, reasons=[])
                found.setdefault(lp.layer, {})[day] = o

    def _launchable(self, schedule: Schedule, found: Found) -> list[Unit]:
        """The requests to start now. Those that never will (stopped, or an upstream step ended badly) settle as
        `not_sent` at once, which may settle their own dependents in turn: repeat until nothing changes."""
        while True:
            room = {layer: limit - schedule.running.get(layer, 0) for layer, limit in schedule.limits.items()}
            go, dropped = [], False
            for unit in schedule.waiting():
                bad = unit.upstream_failed
                if self._stop.is_set() or bad:
                    why = (f"upstream failed: {bad[0]} {bad[1].isoformat()}" if bad
                           else NOT_SENT_WHY.get(self._stop.reason or "", "stopped"))
                    self._settle(schedule, unit, [not_sent(unit.call.layer, d, why) for d in unit.call.dates],
                                 found, started=False)
                    dropped = True
                elif room.get(unit.call.layer, 0) > 0:
                    go.append(unit)
                    room[unit.call.layer] -= 1
            if go or not dropped:
                return go

    def _strand(self, schedule: Schedule, found: Found) -> None:
        for unit in list(schedule.pending):
            outcomes = [not_sent(unit.call.layer, d, "internal: unschedulable") for d in unit.call.dates]
            self._settle(schedule, unit, outcomes, found, started=False)

    def _requeued(self, schedule: Schedule, unit: Unit, outcomes: list[Outcome]) -> bool:
        if unit.requeued or self._stop.is_set() or not any(o.status == BLOCKED_UPSTREAM for o in outcomes):
            return False
        after = schedule.unfinished_upstream(unit)
        if not after:
            return False
        schedule.requeue(unit, after)
        first = min(after, key=lambda k: k[1])
        self._progress.note(f"{unit.call.layer} {unit.call.label}: blocked upstream; sent again after "
                            f"{len(after)} unfinished upstream step(s) (first: {first[0]} {first[1]})")
        return True

    def _settle(self, schedule: Schedule, unit: Unit, outcomes: list[Outcome], found: Found,
                started: bool) -> None:
        outcomes = self._record(unit.call.layer, outcomes)
        good = {(o.layer, o.date): not o.bad for o in outcomes}
        (schedule.finish if started else schedule.drop)(unit, good)
        for o in outcomes:
            found.setdefault(o.layer, {})[o.date] = o

    def _announce(self, targets: Mapping[str, LayerTarget]) -> None:
        for layer, target in targets.items():
            lp = target.plan
            if not lp.calls:
                continue
            if self._stop.is_set():
                self._progress.note(f"{layer}: {len(lp.dates)} dates not sent ({self._stop.reason})")
            else:
                self._progress.note(f"{layer}: {len(lp.dates)} dates in {len(lp.calls)} requests, "
                                    f"{target.workers} at a time")

    def _work(self, target: LayerTarget, unit: Unit, done: queue.Queue) -> None:
        """In a worker thread. Always answers, whatever happens: the scheduling loop waits for every request."""
        try:
            outcomes = self._one_call(target, unit.call)
        except Exception as exc:  # a bug must cost one request, not hang the run
            detail = self._redact(f"internal error: {exc!r}", 300)
            outcomes = [Outcome(unit.call.layer, d, FAILED, detail=detail) for d in unit.call.dates]
        done.put((unit, outcomes))

    def _one_call(self, target: LayerTarget, call: Call) -> list[Outcome]:
        if self._stop.is_set():
            why = NOT_SENT_WHY.get(self._stop.reason or "", "stopped")
            return [not_sent(call.layer, d, why) for d in call.dates]
        sent_at = dt.datetime.now(dt.timezone.utc)
        return self._prove(target.plan, call, self._send(target, call), sent_at)

    def _send(self, target: LayerTarget, call: Call) -> CallResult:
        try:
            return self._client.send(call, target.base_url, target.tokens)
        except Exception as exc:  # a bug must cost one date, not the run (and its message stays token-free)
            return CallResult(http_status=None, attempts=1, error=self._redact(f"internal error: {exc!r}"))

    def _prove(self, plan: LayerPlan, call: Call, result: CallResult, sent_at: dt.datetime) -> list[Outcome]:
        """Failing steps: their rules re-checked. Cascade steps: their rows rewritten after `sent_at`."""
        ruled = {d: plan.rules[d] for d in call.dates if plan.rules.get(d)}
        cascade = [d for d in call.dates if d not in ruled]
        try:
            still = self._verifier.still_failing(ruled) if ruled else {}
            if cascade:
                processors = plan.filler.processors if plan.filler and plan.filler.kind == "phase4" else ()
                still.update(self._verifier.not_rewritten(call.layer, cascade, sent_at, processors))
        except Exception as exc:  # the re-check failing must not hide what the call did
            error = self._redact(f"{type(exc).__name__}: {exc}", 300)
            return [judge(call.layer, d, result, None, error) for d in call.dates]
        return [_cascade_detail(judge(call.layer, d, result, still[d]), still[d], sent_at) if d in cascade
                else judge(call.layer, d, result, still[d]) for d in call.dates]

    def _record(self, layer: str, outcomes: list[Outcome]) -> list[Outcome]:
        # Every outcome is shown and stored from here on: one last pass of the Redactor over its detail.
        outcomes = [replace(o, detail=self._redact(o.detail)) for o in outcomes]
        lp = self._layer_plans.get(layer)
        for o in outcomes:
            if self._ledger is not None:
                reasons = list(lp.reasons.get(o.date, ())) if lp else []
                self._ledger.write("outcome", layer=o.layer, date=o.date.isoformat(), status=o.status,
                                   attempts=o.attempts, last_http_status=o.last_http_status, detail=o.detail,
                                   reasons=reasons)
            self._progress.outcome(o)
            if o.status != NOT_SENT and self._circuit.record(o.bad):
                self._open_circuit(o)
        return outcomes

    def _open_circuit(self, last: Outcome) -> None:
        if self._stop.set(CIRCUIT_OPEN):
            in_flight = sum(self._schedule.running.values()) if self._schedule else 0
            self._progress.note(f"circuit breaker open: {self._circuit.threshold} consecutive dates failed "
                                f"(last: {last.layer} {last.date} {last.status}: {last.detail}); launching nothing "
                                f"more, finishing the {max(in_flight - 1, 0)} other call(s) in flight")

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


def _cascade_detail(outcome: Outcome, problems: tuple[str, ...], sent_at: dt.datetime) -> Outcome:
    """A cascade step's outcome speaks of rewritten rows (judge speaks of failing rules)."""
    if outcome.status == FILLED:
        return replace(outcome, detail="rows rewritten after the request")
    if outcome.status != SILENT_FAILURE:
        return outcome
    sent = sent_at.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return replace(outcome, detail=f"service answered {outcome.last_http_status} success but its rows were not "
                                   f"rewritten after the request sent {sent} ({'; '.join(problems)})")
