"""The validation window.

Every query in the project filters each partitioned table's date column with the whole-history sentinel
`BETWEEN '0001-01-01' AND '9999-12-31'`: valid on SQLite and BigQuery, and enough for BigQuery's
require_partition_filter. A windowed run narrows those literals in each statement before it is sent, so BigQuery
prunes partitions on a direct filter (it does not prune on EXTRACT(...) or joins).

A rule that must read days before the window (a lookback) writes its lower bound as a *lookback sentinel*,
`'0001-MM-DD'` N days after '0001-01-01' (`'0001-01-22'`: 21 days): whole-history it excludes nothing, and a
windowed run renders it as `--since` minus N days, so the rule reads the lookback it needs and only that.
The window also carries the run's clock (see CLOCK_SECONDS).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

# The run's clock (`--as-of`, default now), for rules measured against it (raw.freshness): its UNIX seconds and
# its UTC date. Unrendered (a checkpoint run by GX alone) the clock is the end of time, past any data, where such
# a rule does not apply.
CLOCK_SECONDS = "253402300799"
CLOCK_DATE = "'9999-12-30'"
SENTINEL_SINCE = "'0001-01-01'"
SENTINEL_UNTIL = "'9999-12-31'"
_FIRST_DAY = dt.date(1, 1, 1)
LOOKBACK_SENTINEL = re.compile(r"'0001-(\d\d)-(\d\d)'")


def lookback_sentinel(days: int) -> str:
    """The lower-bound literal of a filter that reads `days` days before the window."""
    return f"'{(_FIRST_DAY + dt.timedelta(days=days)).isoformat()}'"


@dataclass(frozen=True)
class Window:
    since: dt.date | None = None
    until: dt.date | None = None
    as_of: dt.datetime | None = None  # the clock, UTC

    def render(self, sql: str) -> str:
        """Replace the sentinel bounds with this window's dates (unbounded sides keep the sentinel), and the clock."""
        if self.as_of:
            sql = sql.replace(CLOCK_SECONDS, str(int(self.as_of.timestamp())))
            sql = sql.replace(CLOCK_DATE, f"'{self.as_of.astimezone(dt.timezone.utc).date().isoformat()}'")
        if self.since:
            sql = sql.replace(SENTINEL_SINCE, f"'{self.since.isoformat()}'")
            sql = LOOKBACK_SENTINEL.sub(self._lookback, sql)
        if self.until:
            sql = sql.replace(SENTINEL_UNTIL, f"'{self.until.isoformat()}'")
        return sql

    def _lookback(self, match: re.Match) -> str:
        days = (dt.date(1, int(match.group(1)), int(match.group(2))) - _FIRST_DAY).days
        return f"'{(self.since - dt.timedelta(days=days)).isoformat()}'"

    def as_json(self) -> dict[str, str | None]:
        return {"since": _iso(self.since), "until": _iso(self.until)}

    def contains(self, day: dt.date) -> bool:
        return (self.since is None or day >= self.since) and (self.until is None or day <= self.until)


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None
