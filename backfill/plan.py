"""From a validate document to the step graph of a fill: which (layer, date) steps, why, and what waits on what.
Pure and deterministic: no I/O.

A date is planned for layer L when a rule whose remediation names L lists it as failing (`failing: <rule>`), or
when a refilled upstream step makes it stale (`cascade: <layer> <date>`, see cascade.py; off with --no-cascade).
A failing date is left out when
- the layer has no filler configured (reported, not an error);
- L's filler is a Phase 4 service and the date is not a processable game date: on bootstrap days (season days
  0-13) Phase 4 answers "success" and writes nothing by design, so sending them only manufactures silent failures;
- L is analytics and an error-severity raw rule fails on the date (raw.gamebook_completeness: a missing gamebook):
  no service refills raw (Phase 2), so a Phase 3 re-run reads the same broken input and cannot fix the date; sending
  it only manufactures a silent failure. Likewise grading on such a date when analytics fails on it too (grading
  reads the date's actual points from player_game_summary). Such a date is `blocked` (its outcome
  `blocked_upstream`, naming the raw rules), seeds no cascade, and is not sent even when a cascade reaches it;
- (later, in reconcile.py) it passes when re-checked in SQL: `passes_now`, or `already_filled` when a resumed
  ledger records it so. A ledger record alone never keeps a date from being sent.
Cascade steps of a layer without a filler, or left out by --layer, are reported (`unplanned`), not planned.
Layers come out in dependency order (analytics, precompute, predictions, grading); a step (L, t) depends on the
planned steps of earlier layers dated within the window it reads, t - 21 days <= d <= t, same season
(`Plan.dependencies`): an upstream date older than that cannot change what (L, t) writes, so its failure must not
keep t from being sent.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, Iterable, Mapping

from nbadq.backfill.cascade import WINDOW_DAYS, GameDay, expand, game_days
from nbadq.backfill.config import Filler
from nbadq.backfill.endpoints import Call, build_calls
from nbadq.backfill.steps import FAILING, RESUME, Step, failing_reason
from nbadq.calendar import season_year_of
from nbadq.layers import FILL_LAYERS
from nbadq.rules.spec import ERROR

BOOTSTRAP = "bootstrap"
NOT_A_GAME_DATE = "not_a_game_date"
ALREADY_FILLED = "already_filled"
PASSES_NOW = "passes_now"
NO_FILLER = "no filler configured"
LEFT_OUT = "layer left out (--layer)"
BLOCKED = "blocked_upstream"  # a skipped reason, and the outcome such a date ends with (nbadq/outcomes.py)
# Failing dates no re-run can fix while raw fails on the date: analytics is built from raw (Phase 3 reads the
# gamebooks and the schedule); grading d reads d's player_game_summary (the actual points), so it is stuck when
# analytics fails on d too (a game without a gamebook has no actuals to grade).
RAW_READERS = {"analytics": None, "grading": "analytics"}  # layer -> the layer that must fail on the date as well


@dataclass(frozen=True)
class LayerPlan:
    layer: str
    filler: Filler | None
    failing: tuple[dt.date, ...]  # every date the layer's remediation rules list, before anything is left out
    dates: tuple[dt.date, ...]  # the dates to send: failing and cascade steps
    rules: Mapping[dt.date, tuple[str, ...]]  # date -> the rules that made it fail (empty: a cascade-only step)
    skipped: Mapping[str, tuple[dt.date, ...]] = field(default_factory=dict)  # reason -> failing dates not sent
    calls: tuple[Call, ...] = ()
    reasons: Mapping[dt.date, tuple[str, ...]] = field(default_factory=dict)  # date to send -> why it is planned
    unplanned: Mapping[str, tuple[dt.date, ...]] = field(default_factory=dict)  # why -> cascade dates not planned
    blocked: Mapping[dt.date, tuple[str, ...]] = field(default_factory=dict)  # failing date not sent -> raw rules

    @property
    def steps(self) -> tuple[Step, ...]:
        return tuple(Step(self.layer, d, self.reasons.get(d, ()), self.rules.get(d, ())) for d in self.dates)

    @property
    def cascade_dates(self) -> tuple[dt.date, ...]:
        return tuple(d for d in self.dates if not self.rules.get(d))


@dataclass(frozen=True)
class Plan:
    """The step graph. `steps` in layer order then date order; `dependencies(step)` what it waits for."""

    layers: tuple[LayerPlan, ...]
    cascade: bool = True
    left_out: Mapping[str, tuple[dt.date, ...]] = field(default_factory=dict)  # cascade into a layer --layer excluded

    @property
    def calls(self) -> tuple[Call, ...]:
        return tuple(c for lp in self.layers for c in lp.calls)

    @property
    def dates(self) -> int:
        return sum(len(lp.dates) for lp in self.layers)

    @property
    def steps(self) -> tuple[Step, ...]:
        return tuple(s for lp in self.layers for s in lp.steps)

    def layer(self, name: str) -> LayerPlan:
        return next(lp for lp in self.layers if lp.layer == name)

    def step(self, layer: str, day: dt.date) -> Step | None:
        lp = next((lp for lp in self.layers if lp.layer == layer), None)
        return Step(layer, day, lp.reasons.get(day, ()), lp.rules.get(day, ())) if lp and day in lp.dates else None

    def dependencies(self, step: Step | tuple[str, dt.date]) -> tuple[tuple[str, dt.date], ...]:
        """(layer, date) of every planned step of an earlier layer dated d with t - 21 days <= d <= t (t: step's
        date), same season. That is the window a step reads: Phase 4's rolling windows read about 20 games (21
        days, the cascade's window) back, predictions read that date's features, grading that date's predictions
        and player_game_summary. An older upstream step cannot change what the step writes, so its failure does
        not keep the step from being sent (one unfixable analytics date must not stall the rest of a season)."""
        layer, day = (step.layer, step.date) if isinstance(step, Step) else step
        # a season runs from 1 July (nbadq.calendar)
        first = max(dt.date(season_year_of(day), 7, 1), day - dt.timedelta(days=WINDOW_DAYS))
        found = []
        for upstream in FILL_LAYERS[:FILL_LAYERS.index(layer)]:
            days = self._by_layer.get(upstream, [])
            found += [(upstream, d) for d in days[bisect.bisect_left(days, first):bisect.bisect_right(days, day)]]
        return tuple(found)

    @cached_property
    def _by_layer(self) -> dict[str, list[dt.date]]:
        return {lp.layer: sorted(lp.dates) for lp in self.layers}


StepGraph = Plan  # the name the bench and the issue use


def build_plan(doc: Mapping[str, Any], fillers: Mapping[str, Filler], layers: Iterable[str] | None = None,
               since: dt.date | None = None, until: dt.date | None = None, cascade: bool = True,
               calendar: Mapping[dt.date, GameDay] | None = None,
               resumed: Mapping[tuple[str, dt.date], Iterable[str]] | None = None,
               settled: Mapping[str, Mapping[str, Iterable[dt.date]]] | None = None) -> Plan:
    """The step graph for `doc`. `calendar` (date -> GameDay) defaults to the document's; give a wider one so the
    cascade can reach the 21 days after the validated window. `resumed`: steps an earlier run left unsettled
    (reconcile.resumed_steps), planned with their `resume: ...` reasons and cascading like any other.
    `settled`: layer -> reason -> failing dates found passing since the document was written (reconcile.drop_passing
    on a --from-validate document): skipped for that reason, and, not being refilled, they start no cascade."""
    chosen = set(layers) if layers else set(FILL_LAYERS)
    days = dict(calendar) if calendar is not None else game_days(doc.get("calendar", {}).get("game_dates", []))
    processable = {d: g.processable for d, g in days.items()}
    failing = {layer: {d: tuple(sorted(r)) for d, r in by_date.items() if _inside(d, since, until)}
               for layer, by_date in failing_by_remediation(doc).items() if layer in chosen}
    blocked = _blocked(doc, failing, fillers)
    passing = {layer: {d for dates in by_reason.values() for d in dates} for layer, by_reason in (settled or {}).items()}
    skipped, seeds = _seeds({layer: {d: r for d, r in by_date.items()
                                     if d not in blocked.get(layer, {}) and d not in passing.get(layer, ())}
                             for layer, by_date in failing.items()}, fillers, processable)
    for layer, by_date in blocked.items():
        if by_date:
            skipped[layer][BLOCKED] = tuple(by_date)
    for layer, by_reason in (settled or {}).items():
        for reason, dates in by_reason.items():
            if dates and layer in skipped:
                skipped[layer][reason] = tuple(sorted(dates))
    for (layer, day), reasons in (resumed or {}).items():
        if layer in chosen and fillers.get(layer) is not None:
            seeds.setdefault((layer, day), set()).update(reasons)

    def plannable(layer: str) -> str | None:
        return LEFT_OUT if layer not in chosen else (NO_FILLER if fillers.get(layer) is None else None)

    planned, unplanned = expand(seeds, days, plannable) if cascade else (seeds, {})
    out = tuple(_layer_plan(layer, fillers.get(layer), failing.get(layer, {}), skipped.get(layer, {}),
                            planned, unplanned.get(layer, {}), processable, blocked.get(layer, {}))
                for layer in FILL_LAYERS if layer in chosen)
    left_out = {layer: tuple(sorted(unplanned[layer][LEFT_OUT])) for layer in FILL_LAYERS
                if LEFT_OUT in unplanned.get(layer, {})}
    return Plan(layers=out, cascade=cascade, left_out=left_out)


build_graph = build_plan


def without(lp: LayerPlan, dates: Iterable[dt.date], reason: str, calendar: Mapping[dt.date, bool]) -> LayerPlan:
    """`lp` with `dates` moved from the dates to send to skipped[reason], and its calls rebuilt."""
    drop = set(dates) & set(lp.dates)
    if not drop or lp.filler is None:
        return lp
    keep = tuple(d for d in lp.dates if d not in drop)
    skipped = {**lp.skipped, reason: tuple(sorted(set(lp.skipped.get(reason, ())) | drop))}
    return replace(lp, dates=keep, rules={d: lp.rules[d] for d in keep if d in lp.rules}, skipped=skipped,
                   reasons={d: lp.reasons[d] for d in keep if d in lp.reasons},
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


def raw_failing(doc: Mapping[str, Any]) -> dict[dt.date, tuple[str, ...]]:
    """date -> the error-severity raw rules failing on it. No service refills raw (Phase 2 has no filler), so a
    layer built from raw cannot be repaired on such a date by re-running it."""
    found: dict[dt.date, set[str]] = {}
    for exp in doc.get("layers", {}).get("raw", {}).get("expectations", []):
        if exp.get("severity", ERROR) == ERROR:
            for text in exp.get("failing_dates") or []:
                found.setdefault(dt.date.fromisoformat(text), set()).add(exp["rule"])
    return {d: tuple(sorted(rules)) for d, rules in sorted(found.items())}


def _blocked(doc: Mapping[str, Any], failing: Mapping[str, Mapping[dt.date, tuple[str, ...]]],
             fillers: Mapping[str, Filler]) -> dict[str, dict[dt.date, tuple[str, ...]]]:
    """layer -> failing date not to send -> the raw rules failing on it (RAW_READERS)."""
    broken, everywhere = raw_failing(doc), failing_by_remediation(doc)
    found = {}
    for layer, with_it in RAW_READERS.items():
        if fillers.get(layer) is None:
            continue
        found[layer] = {d: broken[d] for d in sorted(failing.get(layer, {}))
                        if d in broken and (with_it is None or d in everywhere.get(with_it, {}))}
    return found


def blocked_detail(rules: Iterable[str]) -> str:
    return f"raw fails {', '.join(rules)} on this date; no service refills raw"


def calendar_of(doc: Mapping[str, Any]) -> dict[dt.date, bool]:
    """game date -> processable (season day >= 14), from the validate document's calendar."""
    return {dt.date.fromisoformat(g["date"]): bool(g.get("processable"))
            for g in doc.get("calendar", {}).get("game_dates", [])}


def reason_order(reason: str) -> tuple[int, str]:
    """Failing rules first, then cascade sources, then resumed reasons; alphabetical (so by date) within each."""
    return (0 if reason.startswith(FAILING) else 2 if reason.startswith(RESUME) else 1), reason


def _seeds(failing: Mapping[str, Mapping[dt.date, tuple[str, ...]]], fillers: Mapping[str, Filler],
           processable: Mapping[dt.date, bool]) -> tuple[dict, dict]:
    """(layer -> why -> failing dates not sent, (layer, date) -> failing reasons of the failing dates to send)."""
    skipped, seeds = {}, {}
    for layer, rules in failing.items():
        skipped[layer], send = _split(rules, fillers.get(layer), processable)
        seeds.update({(layer, d): {failing_reason(r) for r in rules[d]} for d in send})
    return skipped, seeds


def _split(rules: Mapping[dt.date, tuple[str, ...]], filler: Filler | None,
           calendar: Mapping[dt.date, bool]) -> tuple[dict[str, tuple[dt.date, ...]], list[dt.date]]:
    """(why -> failing dates not sent, the failing dates to send)."""
    if filler is None:
        return {}, []
    skipped: dict[str, list[dt.date]] = {}
    send = []
    for day in sorted(rules):
        reason = _skip_reason(day, filler, calendar)
        if reason:
            skipped.setdefault(reason, []).append(day)
        else:
            send.append(day)
    return {k: tuple(v) for k, v in skipped.items()}, send


def _layer_plan(layer: str, filler: Filler | None, rules: Mapping[dt.date, tuple[str, ...]],
                skipped: Mapping[str, tuple[dt.date, ...]], planned: Mapping[tuple[str, dt.date], set[str]],
                unplanned: Mapping[str, set[dt.date]], calendar: Mapping[dt.date, bool],
                blocked: Mapping[dt.date, tuple[str, ...]]) -> LayerPlan:
    failing = tuple(sorted(rules))
    hidden = {why: tuple(sorted(days)) for why, days in sorted(unplanned.items())}
    if filler is None:
        return LayerPlan(layer=layer, filler=None, failing=failing, dates=(), rules=dict(rules), unplanned=hidden)
    # a blocked date stays out even when an upstream refill cascades into it: its rules cannot pass
    send = tuple(sorted(d for (name, d) in planned if name == layer and d not in blocked))
    reasons = {d: tuple(sorted(planned[(layer, d)], key=reason_order)) for d in send}
    return LayerPlan(layer=layer, filler=filler, failing=failing, dates=send,
                     rules={d: rules.get(d, ()) for d in send}, skipped=dict(skipped),
                     calls=tuple(build_calls(filler, send, calendar)), reasons=reasons, unplanned=hidden,
                     blocked=dict(blocked))


def _skip_reason(day: dt.date, filler: Filler, calendar: Mapping[dt.date, bool]) -> str | None:
    if filler.kind == "phase4" and not calendar.get(day, False):
        return BOOTSTRAP if day in calendar else NOT_A_GAME_DATE
    return None


def _inside(day: dt.date, since: dt.date | None, until: dt.date | None) -> bool:
    return (since is None or day >= since) and (until is None or day <= until)
