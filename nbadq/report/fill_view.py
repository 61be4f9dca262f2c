"""The last fill as the report shows it: outcomes per layer, dates still broken, coverage before and after.

Built from a checked fill document (documents.check_fill_doc). Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from nbadq.layers import LAYERS
from nbadq.outcomes import STATUSES as FILL_STATUSES

STATUS_LABELS = {s: s.replace("_", " ") for s in FILL_STATUSES}  # "silent failure", "not sent"


@dataclass(frozen=True)
class FillOutcome:
    layer: str
    date: dt.date
    status: str  # one of nbadq.outcomes.STATUSES
    attempts: int
    last_http_status: int | None
    cascade: bool = False  # re-run because an upstream date was refilled, not because it failed a rule
    reasons: tuple[str, ...] = ()  # why the step was planned ("failing: <rule>", "cascade: <layer> <date>")

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def detail(self) -> str:
        """'filled (2 attempts, HTTP 200)'; a silent failure is an HTTP 200 that wrote nothing."""
        http = f", HTTP {self.last_http_status}" if self.last_http_status is not None else ""
        tries = "attempt" if self.attempts == 1 else "attempts"
        return f"{self.label} ({self.attempts} {tries}{http})"


@dataclass(frozen=True)
class FillLayer:
    layer: str
    planned: int
    counts: dict[str, int]  # status -> number of dates
    before_failing: int | None
    after_failing: int | None
    before_coverage: float | None
    after_coverage: float | None


@dataclass(frozen=True)
class FillView:
    layers: tuple[FillLayer, ...]
    outcomes: tuple[FillOutcome, ...]  # every date of every layer, layer order then date

    @property
    def totals(self) -> dict[str, int]:
        return {s: sum(layer.counts[s] for layer in self.layers) for s in FILL_STATUSES}

    @property
    def planned(self) -> int:
        return sum(layer.planned for layer in self.layers)

    @property
    def problems(self) -> tuple[FillOutcome, ...]:
        """Dates the fill did not fix: what a person has to look at."""
        return tuple(o for o in self.outcomes if o.status != "filled")

    @property
    def filled(self) -> tuple[FillOutcome, ...]:
        return tuple(o for o in self.outcomes if o.status == "filled")

    def by_cell(self) -> dict[tuple[str, dt.date], FillOutcome]:
        return {(o.layer, o.date): o for o in self.outcomes}


def fill_view(fill_doc: dict) -> FillView:
    outcomes_doc = fill_doc["outcomes"]
    planned_doc = fill_doc.get("planned", {})
    before, after = fill_doc.get("before", {}), fill_doc.get("after", {})
    names = set(outcomes_doc) | set(planned_doc) | set(before) | set(after)
    order = sorted(names, key=lambda n: (LAYERS.index(n) if n in LAYERS else len(LAYERS), n))
    steps = fill_doc.get("steps", {})  # absent in fills written before the step graph: no cascade steps
    outcomes = tuple(
        FillOutcome(layer=layer, date=dt.date.fromisoformat(day), status=o["status"],
                    attempts=int(o.get("attempts") or 0), last_http_status=o.get("last_http_status"),
                    cascade=bool(steps.get(layer, {}).get(day, {}).get("cascade")),
                    reasons=tuple(steps.get(layer, {}).get(day, {}).get("reasons", ())))
        for layer in order
        for day, o in sorted(outcomes_doc.get(layer, {}).items())
    )
    layers = tuple(_layer(layer, planned_doc, outcomes, before, after) for layer in order)
    return FillView(layers=layers, outcomes=outcomes)


def _layer(layer: str, planned_doc: dict, outcomes: tuple[FillOutcome, ...], before: dict, after: dict) -> FillLayer:
    counts = {s: 0 for s in FILL_STATUSES}
    for o in outcomes:
        if o.layer == layer:
            counts[o.status] += 1
    b, a = before.get(layer, {}), after.get(layer, {})
    return FillLayer(
        layer=layer,
        planned=len(planned_doc.get(layer, [])),
        counts=counts,
        before_failing=len(b["failing_dates"]) if "failing_dates" in b else None,
        after_failing=len(a["failing_dates"]) if "failing_dates" in a else None,
        before_coverage=b.get("coverage"),
        after_coverage=a.get("coverage"),
    )
