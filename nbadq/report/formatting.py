"""How values from the documents read on the page, in JUnit and in Markdown: one place, so they agree."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

# The rule table and the summaries list this many dates, then a count of the rest.
FIRST_DATES = 20


def observed_text(value: Any, unit: str | None = None) -> str:
    """An observed value as a person reads it, by the unit the document gives (never guessed from its size):
    `ratio` (a share in [0, 1], shown as a percentage), `count`, or none (shown as it is)."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if unit == "ratio" and isinstance(value, (int, float)):
        return percent(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.4g}"
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, separators=(",", ":"))
    return text if len(text) <= 80 else text[:79] + "…"


def percent(ratio: float | None) -> str:
    if ratio is None:
        return "—"
    text = f"{ratio * 100:.2f}".rstrip("0").rstrip(".")
    return f"{text}%"


def season_label(year: int) -> str:
    """2024 -> '2024-25', the way the league names seasons."""
    return f"{year}-{(year + 1) % 100:02d}"


def weekday_date(day: dt.date) -> str:
    return f"{day:%a} {day.isoformat()}"


def first_dates(days: list[dt.date] | tuple[dt.date, ...], limit: int = FIRST_DATES) -> tuple[list[dt.date], int]:
    """The first `limit` dates and how many more there are."""
    shown = list(days[:limit])
    return shown, len(days) - len(shown)


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count:,} {word if count == 1 else (many or word + 's')}"
