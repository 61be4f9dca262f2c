"""Lay a date range out as weeks (rows) of seven weekdays, Monday first, for the coverage calendar."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

WEEKDAY_LETTERS = ("M", "T", "W", "T", "F", "S", "S")


@dataclass(frozen=True)
class Week:
    monday: dt.date
    days: tuple[dt.date | None, ...]  # Monday..Sunday; None where the day is outside the drawn range

    @property
    def label(self) -> str:
        """The row's label: its Monday, e.g. 'Oct 28' (a row reads 'the week of Oct 28')."""
        return f"{self.monday:%b %d}"


def weeks(start: dt.date, end: dt.date) -> tuple[Week, ...]:
    """The weeks covering start..end inclusive; days outside the range are None."""
    if end < start:
        return ()
    monday = start - dt.timedelta(days=start.weekday())
    rows = []
    while monday <= end:
        span = [monday + dt.timedelta(days=i) for i in range(7)]
        days = tuple(d if start <= d <= end else None for d in span)
        rows.append(Week(monday=monday, days=days))
        monday += dt.timedelta(days=7)
    return tuple(rows)
