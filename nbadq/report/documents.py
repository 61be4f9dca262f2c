"""Reading the validate and fill JSON documents, and checking the keys the report relies on.

The documents are written by `nbadq validate --json` and `nbadq fill --json`. A report drawn from a document with
a missing key or a bad date would show a wrong picture, so every problem becomes a one-line UsageError that names
the place in the document and what to do, before anything is written.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from nbadq.calendar import iso_date
from nbadq.errors import UsageError

FILL_STATUSES = ("filled", "silent_failure", "failed", "not_sent")


def load_json(path: Path, what: str) -> dict:
    """Read one JSON object from `path`; `what` names the flag it came from, for the error message."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{what} {path}: no such file") from None
    except OSError as exc:
        raise UsageError(f"{what} {path}: cannot read it ({exc.strerror})") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{what} {path}: not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except RecursionError:
        raise UsageError(f"{what} {path}: JSON nested too deeply to read; give the file nbadq wrote") from None
    if not isinstance(doc, dict):
        raise UsageError(f"{what} {path}: expected a JSON object, found {type(doc).__name__}")
    return doc


def check_validate_doc(doc: Any) -> None:
    """Raise UsageError unless `doc` has the shape `nbadq validate --json` writes."""
    _expect(doc, dict, "the validate document")
    _expect(doc.get("success"), bool, "success")
    _expect(doc.get("layers"), dict, "layers")
    window = doc.get("window") or {}
    _expect(window, dict, "window")
    for key in ("since", "until"):
        if window.get(key) is not None:
            _date(window[key], f"window.{key}")
    for layer, body in doc["layers"].items():
        where = f"layers.{layer}"
        _expect(body, dict, where)
        _expect(body.get("success"), bool, f"{where}.success")
        _dates(body.get("failing_dates"), f"{where}.failing_dates")
        _expect(body.get("expectations"), list, f"{where}.expectations")
        for i, exp in enumerate(body["expectations"]):
            _check_expectation(exp, f"{where}.expectations[{i}]")
    calendar = doc.get("calendar")
    _expect(calendar, dict, "calendar")
    _expect(calendar.get("seasons", {}), dict, "calendar.seasons")
    for year, season in calendar.get("seasons", {}).items():
        _season_year(year, f"calendar.seasons key {year!r}")
        _expect(season, dict, f"calendar.seasons.{year}")
        _date(season.get("opener"), f"calendar.seasons.{year}.opener")
    _expect(calendar.get("game_dates"), list, "calendar.game_dates")
    for i, game in enumerate(calendar["game_dates"]):
        where = f"calendar.game_dates[{i}]"
        _expect(game, dict, where)
        _date(game.get("date"), f"{where}.date")
        _expect(game.get("season_year"), int, f"{where}.season_year")
        _expect(game.get("processable"), bool, f"{where}.processable")


def check_fill_doc(doc: Any) -> None:
    """Raise UsageError unless `doc` has the shape `nbadq fill --json` writes."""
    _expect(doc, dict, "the fill document")
    _expect(doc.get("outcomes"), dict, "outcomes")
    for layer, by_date in doc["outcomes"].items():
        _expect(by_date, dict, f"outcomes.{layer}")
        for day, outcome in by_date.items():
            where = f"outcomes.{layer}.{day}"
            _date(day, f"outcomes.{layer} key")
            _expect(outcome, dict, where)
            if outcome.get("status") not in FILL_STATUSES:
                raise UsageError(f"{where}.status is {outcome.get('status')!r}, "
                                 f"expected one of {', '.join(FILL_STATUSES)}")
    _expect(doc.get("planned", {}), dict, "planned")
    for layer, days in doc.get("planned", {}).items():
        _dates(days, f"planned.{layer}")
    for part in ("before", "after"):
        _expect(doc.get(part, {}), dict, part)
        for layer, state in doc.get(part, {}).items():
            _expect(state, dict, f"{part}.{layer}")
            _dates(state.get("failing_dates", []), f"{part}.{layer}.failing_dates")


def _check_expectation(exp: Any, where: str) -> None:
    _expect(exp, dict, where)
    _expect(exp.get("rule"), str, f"{where}.rule")
    _expect(exp.get("success"), bool, f"{where}.success")
    _dates(exp.get("failing_dates", []), f"{where}.failing_dates")
    _expect(exp.get("reasons") or {}, dict, f"{where}.reasons")


def _expect(value: Any, kind: type, where: str) -> None:
    # bool is an int in Python; a count written as true/false is still a bad document.
    ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
    if not ok:
        found = "nothing" if value is None else type(value).__name__
        raise UsageError(f"{where}: expected {kind.__name__}, found {found}")


def _dates(value: Any, where: str) -> None:
    _expect(value, list, where)
    for day in value:
        _date(day, where)


def _date(value: Any, where: str) -> dt.date:
    try:
        return iso_date(value)
    except ValueError:
        raise UsageError(f"{where}: {value!r} is not a date (expected YYYY-MM-DD)") from None


def _season_year(value: str, where: str) -> int:
    if not (isinstance(value, str) and value.isdigit() and len(value) == 4):
        raise UsageError(f"{where}: expected a season year such as \"2024\"")
    return int(value)
