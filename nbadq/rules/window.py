"""The validation window.

Every query in the project filters each partitioned table's date column with the whole-history sentinel
`BETWEEN '0001-01-01' AND '9999-12-31'`: valid on SQLite and BigQuery, and enough for BigQuery's
require_partition_filter. A windowed run narrows those literals in each statement before it is sent, so BigQuery
prunes partitions on a direct filter (it does not prune on EXTRACT(...) or joins).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

SENTINEL_SINCE = "'0001-01-01'"
SENTINEL_UNTIL = "'9999-12-31'"


@dataclass(frozen=True)
class Window:
    since: dt.date | None = None
    until: dt.date | None = None

    def render(self, sql: str) -> str:
        """Replace the sentinel bounds with this window's dates (unbounded sides keep the sentinel)."""
        if self.since:
            sql = sql.replace(SENTINEL_SINCE, f"'{self.since.isoformat()}'")
        if self.until:
            sql = sql.replace(SENTINEL_UNTIL, f"'{self.until.isoformat()}'")
        return sql

    def as_json(self) -> dict[str, str | None]:
        return {"since": _iso(self.since), "until": _iso(self.until)}

    def contains(self, day: dt.date) -> bool:
        return (self.since is None or day >= self.since) and (self.until is None or day <= self.until)


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None
