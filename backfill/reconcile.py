"""Bringing recorded state up to date with the tables before anything is sent.

- A validate document given with --from-validate may be hours old: its dates are re-checked now, and one that
  already passes is not sent (skipped as `passes_now`, or `already_filled` when a resumed ledger records it so).
  A date a resumed ledger records as filled but that fails now is sent again: the record is not proof.
- A resumed ledger may hold dates a killed run had sent without writing their outcome. Those that pass now get
  their outcome (`filled`), so the ledger ends with an outcome for every date ever sent; those still failing are
  in the plan and are sent again.
"""

from __future__ import annotations

import datetime as dt
from typing import AbstractSet as Set, Mapping, TextIO

from nbadq.backfill.ledger import Ledger
from nbadq.backfill.plan import ALREADY_FILLED, PASSES_NOW, Plan, without
from nbadq.backfill.verify import Verifier


def drop_passing(plan: Plan, verifier: Verifier, calendar: Mapping[dt.date, bool],
                 recorded_filled: Set[tuple[str, dt.date]] = frozenset()) -> Plan:
    layers = []
    for lp in plan.layers:
        if lp.dates:
            still = verifier.still_failing(lp.rules)
            passing = [d for d, rules in still.items() if not rules]
            lp = without(lp, [d for d in passing if (lp.layer, d) in recorded_filled], ALREADY_FILLED, calendar)
            lp = without(lp, passing, PASSES_NOW, calendar)
        layers.append(lp)
    return Plan(layers=tuple(layers))


def settle_killed_dates(ledger: Ledger, plan: Plan, in_doubt: Mapping[tuple[str, dt.date], dict],
                        window: tuple[dt.date | None, dt.date | None], out: TextIO) -> None:
    since, until = window
    for (layer, day), seen in sorted(in_doubt.items()):
        lp = next((lp for lp in plan.layers if lp.layer == layer), None)
        inside = (since is None or day >= since) and (until is None or day <= until)
        if lp is None or lp.filler is None or not inside or day in lp.failing:
            continue
        ledger.write("outcome", layer=layer, date=day.isoformat(), status="filled", attempts=seen["attempts"],
                     last_http_status=seen["last_http_status"],
                     detail="sent by a run that was killed before writing its outcome; passes now")
        print(f"  (resume: {layer} {day} was in flight when the last run was killed; it passes now: filled)",
              file=out)
