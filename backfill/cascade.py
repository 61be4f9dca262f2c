"""The cascade: which later (layer, date) steps a refilled step makes stale. Pure.

Phase 4 rows are built from each player's last 10-20 games, so a Phase 3 date d that was missing or wrong when
Phase 4 ran taints Phase 4 for up to about 21 days after it, and everything built from those rows (contract,
sections 4 and 6). So a refilled
- analytics date d queues precompute for every processable game date t of d's season with d <= t <= d + 21 days
  (inclusive; even when t passes today: its rows were built from the old d; t = d too, because Phase 4 takes the
  date's players from d's own player_game_summary rows, so a refill that restores players leaves d's composite
  factors short, precompute.player_reconciliation), and grading d when d is processable (grading reads the actual
  points from player_game_summary; a bootstrap day has no predictions to grade);
- precompute date t queues predictions t (processable dates only: predictions need Phase 4's rolling windows);
- predictions date t queues grading t.
A step whose layer cannot be planned (no filler, or left out by --layer) is reported, and cascades no further:
its layer is not re-run, so nothing downstream of it changes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable, Iterable, Mapping

from nbadq.backfill.steps import cascade_reason
from nbadq.calendar import season_year_of
from nbadq.layers import FILL_LAYERS

WINDOW_DAYS = 21  # the rolling windows read up to about 20 games back (contract, section 6)

Key = tuple[str, dt.date]


@dataclass(frozen=True)
class GameDay:
    processable: bool  # season day >= 14: Phase 4 writes real rows
    season: int


def game_days(entries: Iterable[Mapping]) -> dict[dt.date, GameDay]:
    """date -> GameDay from a validate document's calendar.game_dates (season_year, or the date's season)."""
    found = {}
    for g in entries:
        day = dt.date.fromisoformat(g["date"])
        season = g.get("season_year")
        found[day] = GameDay(bool(g.get("processable")), int(season) if season is not None else season_year_of(day))
    return found


def expand(seeds: Mapping[Key, Iterable[str]], calendar: Mapping[dt.date, GameDay],
           plannable: Callable[[str], str | None]) -> tuple[dict[Key, set[str]], dict[str, dict[str, set[dt.date]]]]:
    """(planned key -> reasons, layer -> why not planned -> dates) for `seeds` and everything they make stale.

    `plannable(layer)` is None when the layer's steps can be sent, else why not ("no filler configured", ...).
    """
    planned: dict[Key, set[str]] = {key: set(reasons) for key, reasons in seeds.items()}
    unplanned: dict[str, dict[str, set[dt.date]]] = {}
    ordered = sorted(calendar)
    for layer in FILL_LAYERS:  # upstream first: a step's children are all in later layers
        for day in sorted(d for (name, d) in planned if name == layer):
            for child in _children(layer, day, calendar, ordered):
                why = plannable(child[0])
                if why is None:
                    planned.setdefault(child, set()).add(cascade_reason(layer, day))
                elif child not in planned:
                    unplanned.setdefault(child[0], {}).setdefault(why, set()).add(child[1])
    return planned, unplanned


def _children(layer: str, day: dt.date, calendar: Mapping[dt.date, GameDay], ordered: list[dt.date]) -> list[Key]:
    processable = calendar.get(day, GameDay(False, 0)).processable
    if layer == "analytics":
        return [("precompute", t) for t in window_after(day, calendar, ordered)] + \
               ([("grading", day)] if processable else [])
    if layer == "precompute":
        return [("predictions", day)] if processable else []
    if layer == "predictions":
        return [("grading", day)]
    return []


def window_after(day: dt.date, calendar: Mapping[dt.date, GameDay], ordered: list[dt.date]) -> list[dt.date]:
    """The processable game dates t of `day`'s season with day <= t <= day + 21 days."""
    season = calendar[day].season if day in calendar else season_year_of(day)
    last = day + dt.timedelta(days=WINDOW_DAYS)
    return [t for t in ordered if day <= t <= last and calendar[t].processable and calendar[t].season == season]
