"""Bringing recorded state up to date with the tables before anything is sent.

- A validate document given with --from-validate may be hours old: its dates are re-checked now, and one that
  already passes is not sent (skipped as `passes_now`, or `already_filled` when a resumed ledger records it so).
  A date a resumed ledger records as filled but that fails now is sent again: the record is not proof.
- A resumed ledger may hold dates a killed run had sent without writing their outcome. Those that pass now get
  their outcome (`filled`), so the ledger ends with an outcome for every date ever sent; those still failing are
  in the plan and are sent again. A prediction batch started before the kill may have finished since: its date
  passes now and is `filled` without a second /start.
- A resumed ledger may hold cascade steps its run planned and never settled (killed, or stopped before them): they
  are planned again (`resume: <reason>`) unless their rows were rewritten after their upstream refill.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import AbstractSet as Set, Mapping, TextIO

from nbadq.backfill.ledger import Ledger
from nbadq.backfill.plan import ALREADY_FILLED, PASSES_NOW, LayerPlan, Plan, without
from nbadq.backfill.steps import FAILING, RESUME, cascade_source, resume_reason
from nbadq.backfill.verify import Verifier


def drop_passing(plan: Plan, verifier: Verifier, calendar: Mapping[dt.date, bool],
                 recorded_filled: Set[tuple[str, dt.date]] = frozenset()) -> Plan:
    layers = []
    for lp in plan.layers:
        ruled = {d: rules for d, rules in lp.rules.items() if rules}  # cascade steps have no rule to re-check
        if ruled:
            still = verifier.still_failing(ruled)
            passing = [d for d, rules in still.items() if not rules]
            lp = without(lp, [d for d in passing if (lp.layer, d) in recorded_filled], ALREADY_FILLED, calendar)
            lp = without(lp, passing, PASSES_NOW, calendar)
        layers.append(lp)
    return replace(plan, layers=tuple(layers))


def resumed_steps(unsettled: Mapping[tuple[str, dt.date], tuple[str, ...]],
                  filled: Mapping[tuple[str, dt.date], dt.datetime],
                  verifier: Verifier) -> dict[tuple[str, dt.date], tuple[str, ...]]:
    """Steps an earlier run planned and never settled that still need sending -> their `resume: ...` reasons.

    A step planned for a failing rule is left to this run's validation: it is in the plan again exactly when it
    still fails. A cascade step is left out when its proof holds: its rows were rewritten after the ledger last
    recorded an upstream source of it `filled` (so after that refill). Without such a record it is sent again."""
    found = {}
    for (layer, day), reasons in sorted(unsettled.items()):
        if not reasons or any(r.removeprefix(RESUME).startswith(FAILING) for r in reasons):
            continue
        moments = [filled[s] for s in map(cascade_source, reasons) if s in filled]
        if moments and verifier.not_rewritten(layer, [day], max(moments))[day] == ():
            continue
        found[(layer, day)] = tuple(resume_reason(r) for r in reasons)
    return found


def settle_killed_dates(ledger: Ledger, plan: Plan, in_doubt: Mapping[tuple[str, dt.date], dict],
                        window: tuple[dt.date | None, dt.date | None], out: TextIO) -> None:
    since, until = window
    for (layer, day), seen in sorted(in_doubt.items()):
        lp = next((lp for lp in plan.layers if lp.layer == layer), None)
        inside = (since is None or day >= since) and (until is None or day <= until)
        if lp is None or lp.filler is None or not inside or not _passes_now(lp, day):
            continue
        ledger.write("outcome", layer=layer, date=day.isoformat(), status="filled", attempts=seen["attempts"],
                     last_http_status=seen["last_http_status"],
                     detail="sent by a run that was killed before writing its outcome; passes now")
        print(f"  (resume: {layer} {day} was in flight when the last run was killed; it passes now: filled)",
              file=out)


def _passes_now(lp: LayerPlan, day: dt.date) -> bool:
    """No longer failing (a fresh validation), or found passing by drop_passing (--from-validate); never a date
    still to send (a cascade step fails no rule, yet only its request proves it)."""
    if day in lp.dates:
        return False
    return day not in lp.failing or day in lp.skipped.get(PASSES_NOW, ()) or day in lp.skipped.get(ALREADY_FILLED, ())
