"""A season's calendar: opener, All-Star break, days without games, end of the regular season."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from nbadq.calendar import OPENERS

REGULAR_SEASON_DAYS = 172  # the opener to the last regular-season Sunday is about 25 weeks


def nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    """The n-th `weekday` (Monday = 0) of the month."""
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def opener_of(season_year: int) -> dt.date:
    """The contract's opener; for other seasons the Tuesday between 18 and 24 October (every contract opener is)."""
    if season_year in OPENERS:
        return OPENERS[season_year]
    day = dt.date(season_year, 10, 18)
    return day + dt.timedelta(days=(1 - day.weekday()) % 7)


@dataclass(frozen=True)
class SeasonCalendar:
    season_year: int
    opener: dt.date
    all_star_sunday: dt.date
    regular_season_end: dt.date  # a Sunday

    @property
    def all_star_break(self) -> tuple[dt.date, ...]:
        """Thursday to Tuesday around the All-Star game: six days without a counted game."""
        return tuple(self.all_star_sunday + dt.timedelta(days=k) for k in range(-3, 3))

    @property
    def holidays(self) -> tuple[dt.date, ...]:
        """Thanksgiving and Christmas Eve: the league's dark days."""
        return nth_weekday(self.season_year, 11, 3, 4), dt.date(self.season_year, 12, 24)

    def regular_season_days(self) -> list[dt.date]:
        """Days that may hold regular-season games."""
        closed = set(self.all_star_break) | set(self.holidays)
        span = (self.regular_season_end - self.opener).days
        days = (self.opener + dt.timedelta(days=k) for k in range(span + 1))
        return [d for d in days if d not in closed]


def season_calendar(season_year: int) -> SeasonCalendar:
    opener = opener_of(season_year)
    end = opener + dt.timedelta(days=REGULAR_SEASON_DAYS)
    end += dt.timedelta(days=(6 - end.weekday()) % 7)
    return SeasonCalendar(season_year, opener, nth_weekday(season_year + 1, 2, 6, 3), end)
