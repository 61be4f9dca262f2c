"""What a run prints before it sends anything: the plan per layer, and in a dry run every request."""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from typing import Mapping, Sequence, TextIO

from nbadq.backfill.plan import Plan


def print_plan(plan: Plan, urls: Mapping[str, str], workers: Mapping[str, int], header: str, out: TextIO) -> None:
    print(header, file=out)
    for lp in plan.layers:
        line = f"  {lp.layer:<12} {len(lp.failing)} failing date{'' if len(lp.failing) == 1 else 's'}"
        if lp.filler is None:
            line += ": no filler configured" if lp.failing else ""
        elif lp.failing:
            line += f" -> {len(lp.dates)} to send in {len(lp.calls)} request(s)"
            if lp.calls:
                line += f" to {lp.filler.kind} {urls[lp.layer]}{lp.filler.path}, {workers[lp.layer]} at a time"
            for why, days in lp.skipped.items():
                line += f"; not sent, {why.replace('_', ' ')}: {dates_text(days)}"
        print(line, file=out)


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
