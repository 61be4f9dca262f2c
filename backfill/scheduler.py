"""Which requests of a step graph may go out now. State only: no threads, no I/O (the runner drives it).

A request (one Call: one date, or a Phase 3 run of dates) may start when every step it depends on (Plan.dependencies:
the planned steps of earlier layers dated within the 21 days up to each of its dates, same season) has settled, and
its layer has fewer than its limit in flight (the filler's concurrency, lowered by --workers). When one of those
steps settled badly (failed, silent_failure, not_sent, blocked_upstream) the request is never sent: its dates end
`not_sent` with `upstream failed: <layer> <date>`. Ready requests go out earliest date first within a layer.

Each request counts the dependencies it still waits for, and each step knows the requests waiting on it, so settling
a step costs its dependents, not a scan of the whole graph (five seasons are thousands of steps).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from nbadq.backfill.endpoints import Call
from nbadq.backfill.plan import Plan
from nbadq.layers import FILL_LAYERS

Key = tuple[str, dt.date]


@dataclass(eq=False)
class Unit:
    call: Call
    order: tuple[int, dt.date]  # layer, first date: who goes first among ready requests
    waiting_for: int = 0  # dependencies not settled yet
    upstream_failed: Key | None = None  # the first dependency (layer order, date) that settled badly
    requeued: bool = False

    @property
    def keys(self) -> tuple[Key, ...]:
        return tuple((self.call.layer, d) for d in self.call.dates)


@dataclass
class Schedule:
    limits: Mapping[str, int]  # layer -> requests in flight at most
    pending: list[Unit] = field(default_factory=list)
    running: dict[str, int] = field(default_factory=dict)  # layer -> requests in flight
    settled: dict[Key, bool] = field(default_factory=dict)  # step -> it ended well (filled)
    in_flight: set[Key] = field(default_factory=set)
    dependents: dict[Key, list[Unit]] = field(default_factory=dict)

    @classmethod
    def of(cls, plan: Plan, limits: Mapping[str, int]) -> "Schedule":
        schedule = cls(limits=dict(limits))
        for lp in plan.layers:
            for call in lp.calls if lp.layer in limits else ():
                unit = Unit(call, (FILL_LAYERS.index(call.layer), call.dates[0]))
                own = set(unit.keys)
                schedule._wait(unit, {k for d in call.dates for k in plan.dependencies((call.layer, d))} - own)
                schedule.pending.append(unit)
        schedule.pending.sort(key=lambda u: u.order)
        return schedule

    @property
    def finished(self) -> bool:
        return not self.pending and not any(self.running.values())

    def waiting(self) -> list[Unit]:
        """Pending requests whose dependencies have all settled (started or not: the caller decides)."""
        return [u for u in self.pending if not u.waiting_for]

    def start(self, unit: Unit) -> None:
        self.pending.remove(unit)
        self.running[unit.call.layer] = self.running.get(unit.call.layer, 0) + 1
        self.in_flight |= set(unit.keys)

    def drop(self, unit: Unit, good: Mapping[Key, bool]) -> None:
        """A request that will not go out: its steps settle now."""
        self.pending.remove(unit)
        self._settle(good)

    def finish(self, unit: Unit, good: Mapping[Key, bool]) -> None:
        self._stop_running(unit)
        self._settle(good)

    def unfinished_upstream(self, unit: Unit) -> set[Key]:
        """Steps of earlier layers, dated on or before the request's last date (any season), not settled yet."""
        layer, last = unit.call.layer, unit.call.dates[-1]
        earlier = FILL_LAYERS[:FILL_LAYERS.index(layer)]
        keys = [k for u in self.pending for k in u.keys] + sorted(self.in_flight)
        return {k for k in keys if k[0] in earlier and k[1] <= last and k not in self.settled}

    def requeue(self, unit: Unit, after: Iterable[Key]) -> None:
        """Once: a request answered blocked_upstream goes out again after `after` has settled."""
        self._stop_running(unit)
        unit.requeued = True
        self._wait(unit, set(after))
        self.pending.append(unit)
        self.pending.sort(key=lambda u: u.order)

    def _wait(self, unit: Unit, keys: set[Key]) -> None:
        for key in keys - self.settled.keys():
            unit.waiting_for += 1
            self.dependents.setdefault(key, []).append(unit)

    def _settle(self, good: Mapping[Key, bool]) -> None:
        for key, ok in good.items():
            self.settled[key] = ok
            for unit in self.dependents.pop(key, []):
                unit.waiting_for -= 1
                if not ok and (unit.upstream_failed is None or _rank(key) < _rank(unit.upstream_failed)):
                    unit.upstream_failed = key

    def _stop_running(self, unit: Unit) -> None:
        self.running[unit.call.layer] -= 1
        self.in_flight -= set(unit.keys)


def _rank(key: Key) -> tuple[int, dt.date]:
    return FILL_LAYERS.index(key[0]), key[1]
