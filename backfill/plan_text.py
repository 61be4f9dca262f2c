"""What a run prints before it sends anything: the plan per layer, the step graph by cause (--plan), and in a dry
run every request."""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from typing import Mapping, Sequence, TextIO

from nbadq.backfill.plan import BLOCKED, Plan, blocked_detail
from nbadq.backfill.steps import FAILING, RESUME, Step, cascade_source
from nbadq.layers import FILL_LAYERS

Key = tuple[str, dt.date]


def print_plan(plan: Plan, urls: Mapping[str, str], workers: Mapping[str, int], header: str, out: TextIO) -> None:
    print(header, file=out)
    for lp in plan.layers:
        line = f"  {lp.layer:<12} {len(lp.failing)} failing date{'' if len(lp.failing) == 1 else 's'}"
        cascade = len(lp.cascade_dates)
        if lp.filler is None:
            line += ": no filler configured" if lp.failing else ""
        elif lp.failing or lp.dates:
            line += f" -> {len(lp.dates)} to send" + (f" ({cascade} cascade)" if cascade else "")
            line += f" in {len(lp.calls)} request(s)"
            if lp.calls and lp.layer in urls:
                line += f" to {lp.filler.kind} {urls[lp.layer]}{lp.filler.path}, {workers[lp.layer]} at a time"
            for why, days in lp.skipped.items():
                why = "blocked upstream (raw fails; no service refills raw)" if why == BLOCKED else why
                line += f"; not sent, {why.replace('_', ' ')}: {dates_text(days)}"
        for why, days in lp.unplanned.items():
            line += f"; cascade not planned ({why}): {len(days)} date{'' if len(days) == 1 else 's'}"
        print(line, file=out)
    for layer, days in plan.left_out.items():
        print(f"  {layer:<12} cascade of {len(days)} date{'' if len(days) == 1 else 's'} dropped: layer left out "
              f"by --layer", file=out)
    if not plan.cascade:
        print("  (--no-cascade: only failing dates; later layers built from refilled dates are not re-run)",
              file=out)


def print_graph(plan: Plan, out: TextIO) -> None:
    """The steps grouped by cause: each failing rule, then each failing step with the cascade it starts."""
    print("steps by cause:", file=out)
    steps = plan.steps
    for cause, keys in _by_rule(steps).items():
        print(f"  {cause} -> {_keys_text(keys)}", file=out)
    children = _children(steps)
    for root in (s for s in steps if s.rules):
        below = _descendants(root.key, children)
        if below:
            print(f"  cascade from {root.label} -> {_keys_text(below)}", file=out)
    for lp in plan.layers:  # failing dates no re-run can fix: not steps, so they start no cascade
        for day, rules in lp.blocked.items():
            print(f"  not sent ({BLOCKED}): {lp.layer} {day.isoformat()}: {blocked_detail(rules)}", file=out)
    resumed = [s.key for s in steps if any(r.startswith(RESUME) for r in s.reasons)]
    if resumed:
        print(f"  resumed (planned by an earlier run, never settled) -> {_keys_text(resumed)}", file=out)
    for lp in plan.layers:
        for why, days in lp.unplanned.items():
            print(f"  not planned ({why}): {lp.layer} {range_text(days)}", file=out)
    for layer, days in plan.left_out.items():
        print(f"  not planned (layer left out by --layer): {layer} {range_text(days)}", file=out)
    print(f"{len(steps)} step(s): {len([s for s in steps if s.rules])} failing, "
          f"{len([s for s in steps if not s.rules])} cascade; nothing sent (--plan)", file=out)


def print_requests(plan: Plan, urls: Mapping[str, str], out: TextIO) -> None:
    """The dry run's detail: every date to send per layer, then every request, in the order they would go."""
    for lp in plan.layers:
        if lp.dates:
            text = textwrap.fill(", ".join(d.isoformat() for d in lp.dates), width=110, initial_indent="    ",
                                 subsequent_indent="    ")
            print(f"  {lp.layer} dates ({len(lp.dates)}):\n{text}", file=out)
    print("requests (dry run, nothing sent):", file=out)
    for call in plan.calls:
        print(f"  {call.method} {urls[call.layer]}{call.path} {json.dumps(call.body)}", file=out)


def dates_text(days: Sequence[dt.date], shown: int = 5) -> str:
    text = ", ".join(d.isoformat() for d in days[:shown])
    return text + (f" and {len(days) - shown} more" if len(days) > shown else "")


def range_text(days: Sequence[dt.date]) -> str:
    """'2024-01-31..2024-02-20 (15 dates)', or '2024-01-31 (1 date)'."""
    days = sorted(days)
    span = days[0].isoformat() if len(days) == 1 else f"{days[0]}..{days[-1]}"
    return f"{span} ({len(days)} date{'' if len(days) == 1 else 's'})"


def _keys_text(keys: Sequence[Key]) -> str:
    by_layer: dict[str, list[dt.date]] = {}
    for layer, day in keys:
        by_layer.setdefault(layer, []).append(day)
    return ", ".join(f"{layer} {range_text(by_layer[layer])}" for layer in FILL_LAYERS if layer in by_layer)


def _by_rule(steps: Sequence[Step]) -> dict[str, list[Key]]:
    found: dict[str, list[Key]] = {}
    for s in steps:
        for reason in s.reasons:
            if reason.startswith(FAILING):
                found.setdefault(reason, []).append(s.key)
    return dict(sorted(found.items()))


def _children(steps: Sequence[Step]) -> dict[Key, list[Key]]:
    found: dict[Key, list[Key]] = {}
    for s in steps:
        for reason in s.reasons:
            source = cascade_source(reason)
            if source:
                found.setdefault(source, []).append(s.key)
    return found


def _descendants(root: Key, children: Mapping[Key, list[Key]]) -> list[Key]:
    seen: set[Key] = set()
    todo = list(children.get(root, []))
    while todo:
        key = todo.pop()
        if key not in seen:
            seen.add(key)
            todo.extend(children.get(key, []))
    return sorted(seen, key=lambda k: (FILL_LAYERS.index(k[0]), k[1]))
