"""Instants: the run's clock (`--as-of`), stored TIMESTAMP values, and the two BigQuery functions the schedule rules
use to compare them (UNIX_SECONDS, UNIX_DATE), registered on every local SQLite connection.

A TIMESTAMP is UTC. Locally it is ISO 8601 TEXT, with or without an offset (`2024-11-05T13:00:00`,
`2024-11-05 13:00:00+00:00`); a naive value is read as UTC, as BigQuery reads a TIMESTAMP literal without a zone.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

# Stuck games (schedule integrity, E(d)) and freshness: a game is over well within 6 h of its tip-off.
STUCK_AFTER = dt.timedelta(hours=6)

_AS_OF = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2})?)?(Z|[+-][0-9]{2}:[0-9]{2})?")


def instant(value: Any) -> dt.datetime | None:
    """A stored TIMESTAMP (BigQuery datetime or local ISO text) as an aware UTC datetime; None when unreadable."""
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    else:
        return None
    return moment.replace(tzinfo=dt.timezone.utc) if moment.tzinfo is None else moment.astimezone(dt.timezone.utc)


def unix_seconds(value: Any) -> int | None:
    """BigQuery's UNIX_SECONDS(timestamp) for the local warehouse."""
    moment = instant(value)
    return int(moment.timestamp()) if moment else None


def unix_date(value: Any) -> int | None:
    """BigQuery's UNIX_DATE(date) for the local warehouse: days since 1970-01-01."""
    moment = instant(str(value)[:10]) if value is not None else None
    return (moment.date() - dt.date(1970, 1, 1)).days if moment else None


def parse_as_of(text: str) -> dt.datetime:
    """`--as-of`: an ISO date (midnight UTC) or datetime (UTC unless it names its offset), else a UsageError."""
    from nbadq.errors import UsageError

    moment = instant(text) if isinstance(text, str) and _AS_OF.fullmatch(text.strip()) else None
    if moment is None:
        raise UsageError(f"--as-of {text!r} is not a date or time: use YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS] (UTC)")
    return moment


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
