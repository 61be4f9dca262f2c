"""Season calendar rules (contract, section 3): season years, openers, season days, bootstrap period."""

from __future__ import annotations

import datetime as dt
import re

# First regular-season game of each season (season_year = starting year). 2026 is provisional.
OPENERS: dict[int, dt.date] = {
    2021: dt.date(2021, 10, 19),
    2022: dt.date(2022, 10, 18),
    2023: dt.date(2023, 10, 24),
    2024: dt.date(2024, 10, 22),
    2025: dt.date(2025, 10, 21),
    2026: dt.date(2026, 10, 21),
}

# Phase 4 rolling windows need history: days 0-13 of a season are the bootstrap period.
BOOTSTRAP_DAYS = 14

# NBA.com game id type digit (third character): which games make a date a game date.
GAME_TYPES_COUNTED = ("2", "4", "5")  # regular season, playoffs, play-in
FINAL_STATUS = 3
LIVE_STATUS = 2

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def season_year_of(day: dt.date) -> int:
    """Dates from July on belong to the season starting that year."""
    return day.year if day.month >= 7 else day.year - 1


def season_day(day: dt.date, opener: dt.date) -> int:
    return (day - opener).days


def is_bootstrap(day: dt.date, opener: dt.date) -> bool:
    return 0 <= season_day(day, opener) < BOOTSTRAP_DAYS


def iso_date(text: str) -> dt.date:
    """Exactly `YYYY-MM-DD` (ASCII digits), else ValueError. Python 3.11's date.fromisoformat alone also takes
    `20240105` and `2024-W01-1`, which nothing in the platform writes and a person rarely means."""
    if not isinstance(text, str) or not _ISO_DATE.fullmatch(text):
        raise ValueError(f"{text!r} is not a YYYY-MM-DD date")
    return dt.date.fromisoformat(text)


def parse_date(text: str, what: str = "date") -> dt.date:
    """Parse a `YYYY-MM-DD` date, or raise a UsageError naming the bad value (an empty string included)."""
    from nbadq.errors import UsageError

    try:
        return iso_date(text)
    except ValueError:
        raise UsageError(f"{what} {text!r} is not a date: use YYYY-MM-DD") from None
