"""Is the run's clock in season? Rules measured against the clock (meta.season_only: raw.freshness) only apply then.

A season's span runs from its first to its last scheduled regular-season, play-in or playoff game (any status),
plus a day. Outside every span, the clock is past the data (a historical warehouse), before it, or in an
off-season: such a rule is reported not applicable, with this reason, never as a pass or a failure. The rule's
SQL gates on the same spans, so GX finds nothing to fail there.
"""

from __future__ import annotations

import datetime as dt

from nbadq.rules.window import Window
from nbadq.schema import stored_date
from nbadq.warehouse import Warehouse

SPANS_SQL = """SELECT season_year, MIN(game_date) AS first_day, MAX(game_date) AS last_day
FROM nba_raw.nbac_schedule
WHERE game_date BETWEEN '0001-01-01' AND '9999-12-31' AND SUBSTR(game_id, 3, 1) IN ('2', '4', '5')
  AND LAST_DAY(game_date) IS NOT NULL
GROUP BY season_year"""


def spans(warehouse: Warehouse, window: Window) -> list[tuple[dt.date, dt.date]]:
    """(first, last) scheduled game date of each season in the window's schedule."""
    rows = warehouse.query(window.render(SPANS_SQL))
    found = [(stored_date(r["first_day"]), stored_date(r["last_day"])) for r in rows]
    return sorted((a, b) for a, b in found if a and b)


def not_applicable(clock: dt.datetime, seasons: list[tuple[dt.date, dt.date]]) -> str | None:
    """None when the clock is in a season; else why a season_only rule does not apply (pure; unit-tested)."""
    day, stamp = clock.astimezone(dt.timezone.utc).date(), _stamp(clock)
    if any(first <= day <= last + dt.timedelta(days=1) for first, last in seasons):
        return None
    if not seasons:
        return f"the schedule has no game to measure the clock ({stamp}) against"
    if day > seasons[-1][1]:
        return f"historical warehouse: the clock ({stamp}) is past its last scheduled game ({seasons[-1][1]})"
    if day < seasons[0][0]:
        return f"the clock ({stamp}) is before the first scheduled game ({seasons[0][0]})"
    return f"off-season: the clock ({stamp}) falls between two seasons"


def _stamp(clock: dt.datetime) -> str:
    return clock.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
