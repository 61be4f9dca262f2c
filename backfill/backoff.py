"""How long to wait before the next attempt: exponential backoff with jitter, or what Retry-After asks for.

Backoff for attempt n (1-based, the attempt that just failed): d = min(cap, base * 2**(n-1)); the wait is drawn
uniformly from [d/2, d] ("equal jitter"), so workers that failed together do not come back together, and a wait
is never shorter than half the schedule. A Retry-After header (seconds or an HTTP date) replaces the backoff: the
service knows best when it has room. It is bounded so a bad header cannot park a run for hours.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import random
from dataclasses import dataclass
from typing import Callable

MAX_RETRY_AFTER_SECONDS = 600.0


@dataclass(frozen=True)
class Backoff:
    base: float = 2.0
    cap: float = 120.0
    random: Callable[[], float] = random.random  # in [0, 1); tests pin it to get an exact schedule

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        if retry_after is not None:
            return min(max(retry_after, 0.0), MAX_RETRY_AFTER_SECONDS)
        ceiling = min(self.cap, self.base * 2 ** (attempt - 1))
        return ceiling / 2 + self.random() * ceiling / 2


def parse_retry_after(value: str | None, now: dt.datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delay-seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    now = now or dt.datetime.now(dt.timezone.utc)
    return max((when - now).total_seconds(), 0.0)
