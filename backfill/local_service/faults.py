"""Faults the local service can inject (tests and demos), from a one-line SPEC.

Grammar: items separated by ';', each NAME=VALUE; DATES is a comma-separated list of YYYY-MM-DD.
    silent=DATES              answer 200 "success" for these dates and write nothing (the early-2026 incident);
                              a prediction batch completes with nothing written
    error=DATES               answer 200 with every processor "error" for these dates, write nothing; a prediction
                              batch completes with every request failed; grading answers 500
    hang=DATES                hold requests for these dates open (until the client gives up or the service stops)
    transient503=K            answer 503 to the first K attempts of every date (phase4, /start, /grade-date) or
                              range (phase3) ...
    transient503=K@DATES      ... or only of these dates (a range matches when it contains one)
    latency=SECONDS           wait this long before answering each request (like --latency; a prediction batch
                              stays in progress this long)
    token-expires-after=N     require a bearer token; each distinct token works for N requests, then gets 401
                              (0: every token is refused, like a token minted for the wrong audience); /status
                              polls use it too; the coordinator also takes its X-API-Key (--api-key-env)
Example: silent=2024-11-05,2024-11-09;transient503=2;hang=2024-12-01;latency=0.5
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from nbadq.calendar import iso_date
from nbadq.errors import UsageError

NAMES = ("silent", "error", "hang", "transient503", "latency", "token-expires-after")


@dataclass(frozen=True)
class Faults:
    silent: frozenset[dt.date] = frozenset()
    error: frozenset[dt.date] = frozenset()
    hang: frozenset[dt.date] = frozenset()
    transient503: int = 0
    transient503_dates: frozenset[dt.date] | None = None  # None: every date
    latency: float | None = None
    token_expires_after: int | None = None

    def fails_first(self, dates: tuple[dt.date, ...]) -> int:
        """How many first attempts of a request for `dates` answer 503."""
        if self.transient503_dates is None or self.transient503_dates.intersection(dates):
            return self.transient503
        return 0


def parse_faults(spec: str | None) -> Faults:
    if not spec or not spec.strip():
        return Faults()
    found: dict = {}
    for item in (part.strip() for part in spec.split(";")):
        if not item:
            continue
        name, sep, value = item.partition("=")
        name, value = name.strip(), value.strip()
        if not sep or name not in NAMES:
            raise UsageError(f"--faults item {item!r}: expected NAME=VALUE with NAME one of {', '.join(NAMES)}")
        if name in found:
            raise UsageError(f"--faults: {name} is given twice")
        found[name] = value
    return Faults(
        silent=_dates(found.get("silent"), "silent"),
        error=_dates(found.get("error"), "error"),
        hang=_dates(found.get("hang"), "hang"),
        **_transient(found.get("transient503")),
        latency=_seconds(found["latency"]) if "latency" in found else None,
        token_expires_after=_count(found["token-expires-after"], "token-expires-after", 0)
        if "token-expires-after" in found else None,
    )


def _transient(value: str | None) -> dict:
    if value is None:
        return {}
    count, at, dates = value.partition("@")
    return {"transient503": _count(count, "transient503", 0),
            "transient503_dates": _dates(dates, "transient503") if at else None}


def _dates(value: str | None, name: str) -> frozenset[dt.date]:
    if value is None:
        return frozenset()
    try:
        days = frozenset(iso_date(v.strip()) for v in value.split(","))
    except ValueError:
        raise UsageError(f"--faults {name}={value!r}: expected comma-separated dates YYYY-MM-DD") from None
    return days


def _count(value: str, name: str, minimum: int) -> int:
    if not value.strip().isdigit() or int(value) < minimum:
        raise UsageError(f"--faults {name}={value!r}: expected a whole number >= {minimum}")
    return int(value)


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds < 3600:
        raise UsageError(f"--faults latency={value!r}: expected seconds between 0 and 3600")
    return seconds
