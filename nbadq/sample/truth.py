"""What the generator knows to be true about the sample's calendar: the counted games of every date.

Defects are placed with it, and the manifest's expectations are derived from it; the validation has to find
the same facts from the tables alone.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from nbadq.calendar import BOOTSTRAP_DAYS, season_year_of
from nbadq.sample.games import Game


@dataclass
class Truth:
    openers: dict[int, dt.date] = field(default_factory=dict)
    games_on: dict[dt.date, list[Game]] = field(default_factory=lambda: defaultdict(list))

    def add_season(self, season_year: int, opener: dt.date, games: list[Game]) -> None:
        self.openers[season_year] = opener
        for g in games:
            if g.counted:
                self.games_on[g.game_date].append(g)

    def game_dates(self) -> list[dt.date]:
        return sorted(self.games_on)

    def expected(self, day: dt.date) -> int:
        return len(self.games_on.get(day, ()))

    def season_day(self, day: dt.date) -> int:
        return (day - self.openers[season_year_of(day)]).days

    def is_processable(self, day: dt.date) -> bool:
        return day in self.games_on and self.season_day(day) >= BOOTSTRAP_DAYS

    def is_bootstrap(self, day: dt.date) -> bool:
        return day in self.games_on and 0 <= self.season_day(day) < BOOTSTRAP_DAYS

    def kind_of(self, day: dt.date) -> str:
        """'regular', 'play_in' or 'playoffs' (dates never mix them)."""
        return self.games_on[day][0].kind

    def dates(self, season: int | None = None, kind: str | None = "regular", processable: bool | None = True,
              min_games: int = 1) -> list[dt.date]:
        """Game dates matching every given filter, in date order."""
        return [d for d in self.game_dates()
                if (season is None or season_year_of(d) == season)
                and (kind is None or self.kind_of(d) == kind)
                and (processable is None or self.is_processable(d) == processable)
                and self.expected(d) >= min_games]

    def last_game_date(self, season: int) -> dt.date:
        return max(d for d in self.games_on if season_year_of(d) == season)
