"""The requests each kind of filler makes (contract, section 4), built from the dates to refill. Pure.

phase4: one POST /process-date per date, all five processors, backfill mode.
phase3: one POST /process-date-range per contiguous run of failing dates, at most N days each. A run never spans a
        game date that passes (it would be reprocessed for nothing); days without games in between are harmless.
        backfill_mode is always true: without it the service silently skips dates more than 90 days old.
coordinator: one POST /start per date, {"game_date", "prediction_run_mode": "BACKFILL"}, never `force` (it would
        start a second batch beside a running one); the Call carries the polling settings (backfill/coordinator.py).
grading: one POST /grade-date?date=YYYY-MM-DD per date, no body; synchronous.
http:   one request per date, the configured body with {date} replaced.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Iterable, Sequence
from urllib.parse import urlencode

from nbadq.backfill.config import Filler


@dataclass(frozen=True)
class Polling:
    """How a coordinator call waits for its batch: GET {status_path}?batch_id=..., the wait between polls starting at
    `interval` and doubling up to `cap`, the whole date (waits for another batch included) within `date_timeout`."""

    status_path: str
    interval: float
    cap: float
    date_timeout: float


@dataclass(frozen=True)
class Call:
    """One HTTP request to a filler, covering one date (phase4, http) or a run of dates (phase3)."""

    layer: str
    dates: tuple[dt.date, ...]
    method: str
    path: str
    body: dict[str, Any] | None
    timeout: float
    polling: Polling | None = None  # coordinator calls: the request starts a batch to wait for

    @property
    def label(self) -> str:
        first, last = self.dates[0], self.dates[-1]
        return first.isoformat() if first == last else f"{first}..{last}"


def build_calls(filler: Filler, dates: Sequence[dt.date], game_dates: Iterable[dt.date] = ()) -> list[Call]:
    """The requests that refill `dates` (sorted, distinct) through `filler`, in date order."""
    if filler.kind == "phase3":
        runs = phase3_runs(dates, game_dates, filler.max_days_per_request)
        return [_call(filler, run, _phase3_body(filler, run)) for run in runs]
    if filler.kind == "phase4":
        return [_call(filler, [d], _phase4_body(filler, d)) for d in dates]
    if filler.kind == "coordinator":
        return [_coordinator_call(filler, d) for d in dates]
    if filler.kind == "grading":
        return [_call(filler, [d], None, path=f"{filler.path}?{urlencode({'date': d.isoformat()})}") for d in dates]
    return [_call(filler, [d], fill_template(filler.body, d.isoformat())) for d in dates]


def phase3_runs(dates: Sequence[dt.date], game_dates: Iterable[dt.date], max_days: int) -> list[list[dt.date]]:
    """Split sorted dates into runs with no other game date between neighbours, each spanning <= max_days days."""
    known = sorted(set(game_dates) | set(dates))
    position = {d: i for i, d in enumerate(known)}
    runs: list[list[dt.date]] = []
    for day in sorted(set(dates)):
        if runs:
            run = runs[-1]
            adjacent = position[day] == position[run[-1]] + 1
            if adjacent and (day - run[0]).days + 1 <= max_days:
                run.append(day)
                continue
        runs.append([day])
    return runs


def fill_template(template: Any, date_text: str) -> Any:
    """Replace {date} inside every string of a JSON-like template (keys included), leaving the structure alone."""
    if isinstance(template, str):
        return template.replace("{date}", date_text)
    if isinstance(template, dict):
        return {fill_template(k, date_text): fill_template(v, date_text) for k, v in template.items()}
    if isinstance(template, list):
        return [fill_template(v, date_text) for v in template]
    return template


def _phase4_body(filler: Filler, day: dt.date) -> dict[str, Any]:
    return {"analysis_date": day.isoformat(), "backfill_mode": True, "processors": list(filler.processors)}


def _phase3_body(filler: Filler, run: list[dt.date]) -> dict[str, Any]:
    return {"start_date": run[0].isoformat(), "end_date": run[-1].isoformat(),
            "processors": list(filler.processors), "backfill_mode": True}


def _coordinator_call(filler: Filler, day: dt.date) -> Call:
    polling = Polling(status_path=filler.status_path, interval=filler.poll_interval_seconds,
                      cap=filler.poll_max_seconds, date_timeout=filler.date_timeout_seconds)
    body = {"game_date": day.isoformat(), "prediction_run_mode": "BACKFILL"}
    return Call(layer=filler.layer, dates=(day,), method=filler.method, path=filler.path, body=body,
                timeout=filler.timeout_seconds, polling=polling)


def _call(filler: Filler, dates: list[dt.date], body: dict[str, Any] | None, path: str | None = None) -> Call:
    return Call(layer=filler.layer, dates=tuple(dates), method=filler.method,
                path=filler.path if path is None else path, body=body, timeout=filler.timeout_seconds)
