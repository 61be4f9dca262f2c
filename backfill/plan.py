"""From a validate document to the requests that refill exactly the failing dates, layer by layer. Pure.

A date is planned for layer L when a rule whose remediation names L lists it as failing. It is then left out when
- the layer has no filler configured (reported, not an error);
- L's filler is a Phase 4 service and the date is not a processable game date: on bootstrap days (season days
  0-13) Phase 4 answers "success" and writes nothing by design, so sending them only manufactures silent failures;
- (later, in reconcile.py) it passes when re-checked in SQL: `passes_now`, or `already_filled` when a resumed
  ledger records it so. A ledger record alone never keeps a date from being sent.
Layers come out in dependency order (analytics, precompute, predictions, grading).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Mapping

from nbadq.backfill.config import Filler
from nbadq.backfill.endpoints import Call, build_calls
from nbadq.layers import FILL_LAYERS
from nbadq.rules.spec import ERROR

BOOTSTRAP = "bootstrap"
NOT_A_GAME_DATE = "not_a_game_date"
ALREADY_FILLED = "already_filled"
PASSES_NOW = "passes_now"


@dataclass(frozen=True)
class LayerPlan:
    layer: str
    filler: Filler | None
    failing: tuple[dt.date, ...]  # every date the layer's remediation rules list, before anything is left out
    dates: tuple[dt.date, ...]  # the dates to send
    rules: Mapping[dt.date, tuple[str, ...]]  # date -> the rules that made it fail (re-checked after the call)
    skipped: Mapping[str, tuple[dt.date, ...]] = field(default_factory=dict)  # reason -> dates not sent
    calls: tuple[Call, ...] = ()


@dataclass(frozen=True)
class Plan:
    layers: tuple[LayerPlan, ...]

    @property
    def calls(self) -> tuple[Call, ...]:
        return tuple(c for lp in self.layers for c in lp.calls)

    @property
    def dates(self) -> int:
        return sum(len(lp.dates) for lp in self.layers)

    def layer(self, name: str) -> LayerPlan:
        return next(lp for lp in self.layers if lp.layer == name)


def build_plan(doc: Mapping[str, Any], fillers: Mapping[str, Filler], layers: Iterable[str] | None = None,
               since: dt.date | None = None, until: dt.date | None = None) -> Plan:
    chosen = set(layers) if layers else set(FILL_LAYERS)
    calendar = calendar_of(doc)
    failing = failing_by_remediation(doc)
    out = []
    for layer in (name for name in FILL_LAYERS if name in chosen):
        rules = {d: tuple(sorted(r)) for d, r in failing.get(layer, {}).items() if _inside(d, since, until)}
        out.append(_layer_plan(layer, fillers.get(layer), rules, calendar))
    return Plan(layers=tuple(out))


def without(lp: LayerPlan, dates: Iterable[dt.date], reason: str, calendar: Mapping[dt.date, bool]) -> LayerPlan:
    """`lp` with `dates` moved from the dates to send to skipped[reason], and its calls rebuilt."""
    drop = set(dates) & set(lp.dates)
    if not drop or lp.filler is None:
        return lp
    keep = tuple(d for d in lp.dates if d not in drop)
    skipped = {**lp.skipped, reason: tuple(sorted(set(lp.skipped.get(reason, ())) | drop))}
    return replace(lp, dates=keep, rules={d: lp.rules[d] for d in keep}, skipped=skipped,
                   calls=tuple(build_calls(lp.filler, keep, calendar)))


def failing_by_remediation(doc: Mapping[str, Any]) -> dict[str, dict[dt.date, set[str]]]:
    """remediation layer -> date -> error-severity rules naming that layer that fail on that date.

    A `warn` rule's dates are reported, never refilled: they do not fail the run, so a fill that could not repair
    them must not fail it either.
    """
    found: dict[str, dict[dt.date, set[str]]] = {}
    for body in doc.get("layers", {}).values():
        for exp in body.get("expectations", []):
            target = exp.get("remediation")
            if target not in FILL_LAYERS or exp.get("severity", ERROR) != ERROR:
                continue
            for text in exp.get("failing_dates") or []:
                found.setdefault(target, {}).setdefault(dt.date.fromisoformat(text), set()).add(exp["rule"])
    return found


def calendar_of(doc: Mapping[str, Any]) -> dict[dt.date, bool]:
    """game date -> processable (season day >= 14), from the validate document's calendar."""
    return {dt.date.fromisoformat(g["date"]): bool(g.get("processable"))
            for g in doc.get("calendar", {}).get("game_dates", [])}


def _layer_plan(layer: str, filler: Filler | None, rules: dict[dt.date, tuple[str, ...]],
                calendar: dict[dt.date, bool]) -> LayerPlan:
    failing = tuple(sorted(rules))
    if filler is None:
        return LayerPlan(layer=layer, filler=None, failing=failing, dates=(), rules=rules)
    skipped: dict[str, list[dt.date]] = {}
    send = []
    for day in failing:
        reason = _skip_reason(day, filler, calendar)
        if reason:
            skipped.setdefault(reason, []).append(day)
        else:
            send.append(day)
    calls = build_calls(filler, send, calendar)
    return LayerPlan(layer=layer, filler=filler, failing=failing, dates=tuple(send),
                     rules={d: rules[d] for d in send}, skipped={k: tuple(v) for k, v in skipped.items()},
                     calls=tuple(calls))


def _skip_reason(day: dt.date, filler: Filler, calendar: dict[dt.date, bool]) -> str | None:
    if filler.kind == "phase4" and not calendar.get(day, False):
        return BOOTSTRAP if day in calendar else NOT_A_GAME_DATE
    return None


def _inside(day: dt.date, since: dt.date | None, until: dt.date | None) -> bool:
    return (since is None or day >= since) and (until is None or day <= until)
