"""The coverage calendar: one cell per day, per season and layer, with its status and hover text.

A cell is
- failing   when the date is in the layer's failing dates (this wins over everything, so a bootstrap date that
            fails precompute.early_season is red);
- warning   when it fails only warn-severity rules of the layer (reported, not failing: amber);
- bootstrap when it is a game date the platform cannot process yet (season days 0-13) and the layer is one
            whose processors write nothing then by design (precompute, predictions);
- passing   when it is any other game date;
- no-games  otherwise: a day inside the season without games (All-Star break, the odd off day).
A season is drawn from its opener to its last game date, clipped to the validated window, and stretched to
include any failing date of that season that falls outside. Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from nbadq.calendar import season_year_of
from nbadq.layers import PROCESSABLE_ONLY
from nbadq.report.calendar_grid import Week, weeks
from nbadq.report.fill_view import FillOutcome
from nbadq.report.formatting import season_label, weekday_date
from nbadq.report.results import LayerResult

FAILING, WARNING, BOOTSTRAP, PASSING, NO_GAMES = "failing", "warning", "bootstrap", "passing", "no-games"
STATUSES = (FAILING, WARNING, BOOTSTRAP, PASSING, NO_GAMES)


@dataclass(frozen=True)
class GameDate:
    date: dt.date
    season_year: int
    season_day: int | None
    expected_games: int | None
    processable: bool


@dataclass(frozen=True)
class Cell:
    date: dt.date
    status: str
    title: str  # hover text: date, status, reasons, last fill outcome
    fill: str | None = None  # the last fill's outcome status for this date and layer, if it tried
    cascade: bool = False  # the last fill re-ran it because an upstream date was refilled (drawn with a corner)


@dataclass(frozen=True)
class LayerCalendar:
    layer: str
    cells: dict[dt.date, Cell]

    @property
    def counts(self) -> dict[str, int]:
        found = Counter(c.status for c in self.cells.values())
        return {s: found[s] for s in STATUSES}


@dataclass(frozen=True)
class SeasonCalendar:
    year: int
    opener: dt.date | None
    opener_source: str | None
    start: dt.date
    end: dt.date
    layers: tuple[LayerCalendar, ...]

    @property
    def label(self) -> str:
        return season_label(self.year)

    @property
    def weeks(self) -> tuple[Week, ...]:
        return weeks(self.start, self.end)


def cell_status(layer: str, day: dt.date, failing: set[dt.date] | frozenset[dt.date], game: GameDate | None,
                warning: set[dt.date] | frozenset[dt.date] = frozenset()) -> str:
    if day in failing:
        return FAILING
    if day in warning:
        return WARNING
    if game is None:
        return NO_GAMES
    if layer in PROCESSABLE_ONLY and not game.processable:
        return BOOTSTRAP
    return PASSING


def game_dates(validate_doc: dict) -> dict[dt.date, GameDate]:
    return {
        g.date: g
        for g in (
            GameDate(date=dt.date.fromisoformat(raw["date"]), season_year=raw["season_year"],
                     season_day=raw.get("season_day"), expected_games=raw.get("expected_games"),
                     processable=raw["processable"])
            for raw in validate_doc["calendar"]["game_dates"]
        )
    }


def season_calendars(validate_doc: dict, layers: tuple[LayerResult, ...],
                     fill: dict[tuple[str, dt.date], FillOutcome] | None = None) -> tuple[SeasonCalendar, ...]:
    """One calendar per season, newest first (at 7 a.m. the current season is the one that matters)."""
    games = game_dates(validate_doc)
    seasons_doc = validate_doc["calendar"].get("seasons", {})
    window = validate_doc.get("window") or {}
    since, until = (_optional_date(window.get(k)) for k in ("since", "until"))
    # A date with only warnings is drawn too: a season stretches to show it.
    flagged = {d for layer in layers for d in (*layer.failing_dates, *layer.warning_dates)}
    years = {g.season_year for g in games.values()} | {season_year_of(d) for d in flagged}
    calendars = []
    for year in sorted(years, reverse=True):
        season = seasons_doc.get(str(year), {})
        opener = _optional_date(season.get("opener"))
        span = _season_span(year, opener, games, flagged, since, until)
        if span is None:
            continue
        start, end = span
        drawn = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
        calendars.append(SeasonCalendar(
            year=year, opener=opener, opener_source=season.get("opener_source"), start=start, end=end,
            layers=tuple(_layer_calendar(layer, drawn, games, opener, fill or {}) for layer in layers),
        ))
    return tuple(calendars)


def _season_span(year: int, opener: dt.date | None, games: dict[dt.date, GameDate], failing: set[dt.date],
                 since: dt.date | None, until: dt.date | None) -> tuple[dt.date, dt.date] | None:
    season_games = [d for d, g in games.items() if g.season_year == year]
    season_failing = [d for d in failing if season_year_of(d) == year]
    if not season_games and not season_failing:
        return None
    if season_games:
        start = min([*season_games, *([opener] if opener else [])])
        end = max(season_games)
        start, end = max(start, since or start), min(end, until or end)
    else:
        start, end = min(season_failing), max(season_failing)
    if season_failing:
        start, end = min(start, *season_failing), max(end, *season_failing)
    return (start, end) if start <= end else None


def _layer_calendar(layer: LayerResult, drawn: list[dt.date], games: dict[dt.date, GameDate],
                    opener: dt.date | None, fill: dict[tuple[str, dt.date], FillOutcome]) -> LayerCalendar:
    failing, warning = set(layer.failing_dates), set(layer.warning_dates)
    cells = {}
    for day in drawn:
        game = games.get(day)
        status = cell_status(layer.name, day, failing, game, warning)
        outcome = fill.get((layer.name, day))
        title = _title(layer, day, status, game, opener, outcome)
        cells[day] = Cell(date=day, status=status, title=title, fill=outcome.status if outcome else None,
                          cascade=bool(outcome and outcome.cascade))
    return LayerCalendar(layer=layer.name, cells=cells)


def _title(layer: LayerResult, day: dt.date, status: str, game: GameDate | None, opener: dt.date | None,
           outcome: FillOutcome | None) -> str:
    """Hover text, one fact per line: what a person needs to decide without leaving the calendar."""
    lines = [f"{weekday_date(day)} · {layer.name}", status.replace("-", " ").upper()]
    if status == FAILING:
        lines += layer.reasons_on(day) or ["listed in the layer's failing dates"]
    if status == WARNING:
        lines += layer.reasons_on(day, warnings=True) or ["listed in the layer's warning dates"]
        lines.append("warn severity: reported, does not fail the run")
    if status == BOOTSTRAP:
        lines.append("excluded by design: Phase 4 needs 14 days of history")
    season_day = game.season_day if game and game.season_day is not None else (
        (day - opener).days if opener else None)
    facts = [f"{season_label(season_year_of(day))} day {season_day}" if season_day is not None else None]
    if game and game.expected_games is not None:
        facts.append(f"{game.expected_games} games")
    lines.append(" · ".join(f for f in facts if f) or season_label(season_year_of(day)))
    if outcome:
        lines.append(f"last fill: {outcome.detail}")
        lines += list(outcome.reasons) if outcome.cascade else []
    return "\n".join(lines)


def _optional_date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None
