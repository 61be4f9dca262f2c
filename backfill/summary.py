"""Before and after, per layer: failing dates and coverage; the `--json` document; the exit code. Pure, except
`print_summary`.

Coverage is the share of a layer's eligible dates that pass: every game date for analytics and grading, the
processable game dates (season day >= 14) for precompute and predictions, within the validated window.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping, TextIO

from nbadq.backfill.outcomes import STATUSES, Outcome
from nbadq.backfill.plan import LEFT_OUT, Plan, failing_by_remediation
from nbadq.backfill.plan_text import dates_text
from nbadq.backfill.progress import describe_attempts
from nbadq.exitcodes import ExitCode
from nbadq.layers import PROCESSABLE_ONLY

SHOWN_PER_LAYER = 20


def layer_state(doc: Mapping[str, Any] | None, layer: str) -> dict[str, Any]:
    if not doc or layer not in doc.get("layers", {}):
        return {}
    failing = sorted(doc["layers"][layer].get("failing_dates", []))
    return {"failing_dates": failing, "coverage": coverage(doc, layer, failing)}


def coverage(doc: Mapping[str, Any], layer: str, failing: list[str]) -> float | None:
    window = doc.get("window") or {}
    since, until = window.get("since"), window.get("until")
    eligible = {g["date"] for g in doc.get("calendar", {}).get("game_dates", [])
                if (g.get("processable") or layer not in PROCESSABLE_ONLY)
                and (not since or g["date"] >= since) and (not until or g["date"] <= until)}
    if not eligible:
        return None
    return round(len(eligible - set(failing)) / len(eligible), 6)


def fill_document(plan: Plan, outcomes: Mapping[str, Mapping[dt.date, Outcome]], before: Mapping[str, Any],
                  after: Mapping[str, Any] | None, **extra: Any) -> dict[str, Any]:
    layers = [lp.layer for lp in plan.layers]
    return {
        "planned": {lp.layer: [d.isoformat() for d in lp.dates] for lp in plan.layers if lp.filler},
        "outcomes": {layer: {d.isoformat(): o.as_json() for d, o in sorted(by_date.items())}
                     for layer, by_date in outcomes.items()},
        "before": {layer: layer_state(before, layer) for layer in layers},
        "after": {layer: layer_state(after, layer) for layer in layers} if after else {},
        "skipped": {lp.layer: {why: [d.isoformat() for d in days] for why, days in lp.skipped.items()}
                    for lp in plan.layers if lp.skipped},
        "no_filler": {lp.layer: [d.isoformat() for d in lp.failing] for lp in plan.layers if lp.filler is None},
        "cascade": plan.cascade,
        "steps": {lp.layer: {d.isoformat(): {"reasons": list(lp.reasons.get(d, ())), "cascade": not lp.rules.get(d)}
                             for d in lp.dates} for lp in plan.layers if lp.dates},
        "not_planned": not_planned(plan),
        **extra,
    }


def not_planned(plan: Plan) -> dict[str, dict[str, list[str]]]:
    """layer -> why -> cascade dates reported but not planned (no filler, or the layer left out by --layer)."""
    found = {lp.layer: {why: [d.isoformat() for d in days] for why, days in lp.unplanned.items()}
             for lp in plan.layers if lp.unplanned}
    for layer, days in plan.left_out.items():
        found.setdefault(layer, {})[LEFT_OUT] = [d.isoformat() for d in days]
    return found


def exit_code(plan: Plan, outcomes: Mapping[str, Mapping[dt.date, Outcome]], after: Mapping[str, Any] | None,
              signalled: ExitCode | None, before: Mapping[str, Any] | None = None) -> ExitCode:
    """0 only when every failing date of every planned layer is proven in SQL after the run; 1 when a date was not
    filled, a layer has failing dates and no filler, or the re-validation did not run or still fails a layer that
    had failing dates (dates left out of the sends, e.g. by a resumed ledger, count too), or fails a date of a
    planned layer that passed before (what a refill made stale and the run did not re-run, e.g. --no-cascade);
    130/143 when signalled."""
    found = any(o.bad for by_date in outcomes.values() for o in by_date.values())
    unfillable = bool(no_filler(plan))
    worked = [lp.layer for lp in plan.layers if lp.failing and lp.filler]
    still = failing_by_remediation(after or {})
    unproven = bool(worked) and (after is None or any(still.get(layer) for layer in worked))
    verdict = ExitCode.FAILED if found or unfillable or unproven or bool(made_stale(plan, before, after)) \
        else ExitCode.OK
    return ExitCode.worst(verdict, signalled or ExitCode.OK)


def made_stale(plan: Plan, before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> dict[str, list]:
    """layer -> dates of the run's layers that fail after the run and passed before it."""
    if before is None or after is None or not plan.dates:
        return {}
    was, now = failing_by_remediation(before), failing_by_remediation(after)
    found = {lp.layer: sorted(set(now.get(lp.layer, {})) - set(was.get(lp.layer, {}))) for lp in plan.layers}
    return {layer: days for layer, days in found.items() if days}


def no_filler(plan: Plan) -> dict[str, int]:
    """layer -> failing dates, for the layers with failing dates and no filler configured."""
    return {lp.layer: len(lp.failing) for lp in plan.layers if lp.filler is None and lp.failing}


def print_summary(plan: Plan, outcomes: Mapping[str, Mapping[dt.date, Outcome]], before: Mapping[str, Any],
                  after: Mapping[str, Any] | None, out: TextIO) -> None:
    print(f"\n{'layer':<12} {'before':<28} {'after':<28} outcomes", file=out)
    for lp in plan.layers:
        counts = _counts(outcomes.get(lp.layer, {}))
        cascade = len(lp.cascade_dates)
        what = "no filler configured" if lp.filler is None else (counts or "nothing to send")
        what += f" ({cascade} cascade)" if counts and cascade else ""
        print(f"{lp.layer:<12} {_state_text(layer_state(before, lp.layer)):<28} "
              f"{_state_text(layer_state(after, lp.layer)) if after else 'not re-validated':<28} {what}", file=out)
    for layer, whys in not_planned(plan).items():
        for why, days in whys.items():
            print(f"cascade not re-run: {layer} {len(days)} date(s) ({why})", file=out)
    problems = [o for lp in plan.layers for o in outcomes.get(lp.layer, {}).values() if o.bad]
    unfillable = no_filler(plan)
    stale = made_stale(plan, before, after)
    if problems or unfillable or stale:
        print("\nnot filled:", file=out)
    for layer, days in stale.items():
        print(f"  {layer}: {len(days)} date(s) failing after the run that passed before ({dates_text(days)}): "
              f"made stale by a refill" + ("" if plan.cascade else " and not re-run (--no-cascade)"), file=out)
    for layer, count in unfillable.items():
        print(f"  {layer}: {count} failing date(s) and no filler configured (add [tool.nbadq.fill.{layer}] to "
              f"pyproject.toml or [fill.{layer}] to nbadq.toml, or give --config)", file=out)
    for layer in dict.fromkeys(o.layer for o in problems):
        mine = [o for o in problems if o.layer == layer]
        for o in mine[:SHOWN_PER_LAYER]:
            lp = plan.layer(o.layer)
            cascade = o.date in lp.dates and not lp.rules.get(o.date)  # a blocked date was never a step
            why = f" [{'; '.join(lp.reasons.get(o.date, ()))}]" if cascade else ""
            print(f"  {o.layer} {o.date} {o.status} ({describe_attempts(o)}): {o.detail}{why}", file=out)
        if len(mine) > SHOWN_PER_LAYER:
            print(f"  ... and {len(mine) - SHOWN_PER_LAYER} more {layer} dates (see the ledger or --json)", file=out)


def _counts(by_date: Mapping[dt.date, Outcome]) -> str:
    found = {s: sum(o.status == s for o in by_date.values()) for s in STATUSES}
    return ", ".join(f"{n} {s}" for s, n in found.items() if n)


def _state_text(state: Mapping[str, Any]) -> str:
    if not state:
        return "-"
    cov = state.get("coverage")
    return f"{len(state['failing_dates'])} failing" + (f", {cov:.1%} covered" if cov is not None else "")
