"""What happened to one date, decided from the call and from the tables (never from the HTTP status alone).

The outcome names and their meanings are in nbadq/outcomes.py, the one list fill and the report share.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from nbadq.backfill.client import CallResult
from nbadq.outcomes import BLOCKED_UPSTREAM, FAILED, FILLED, NOT_SENT, SILENT_FAILURE, STATUSES

__all__ = ["BLOCKED_UPSTREAM", "FAILED", "FILLED", "NOT_SENT", "SILENT_FAILURE", "STATUSES", "Outcome", "judge",
           "not_sent"]


@dataclass(frozen=True)
class Outcome:
    layer: str
    date: dt.date
    status: str
    attempts: int = 0
    last_http_status: int | None = None
    detail: str = ""

    @property
    def bad(self) -> bool:
        return self.status != FILLED

    def as_json(self) -> dict:
        return {"status": self.status, "attempts": self.attempts, "last_http_status": self.last_http_status}


def judge(layer: str, day: dt.date, result: CallResult, still_failing: tuple[str, ...] | None,
          recheck_error: str | None = None) -> Outcome:
    """The outcome of a date whose call returned; `still_failing` is None when the re-check could not run."""
    base = dict(layer=layer, date=day, attempts=result.attempts, last_http_status=result.http_status)
    if still_failing == ():
        note = "" if result.ok else f" (although the call failed: {result.error})"
        return Outcome(status=FILLED, detail="passes its rules again" + note, **base)
    rules = ", ".join(still_failing or ())
    if still_failing is None:
        return Outcome(status=FAILED, detail=f"re-check failed: {recheck_error}", **base)
    if result.blocked:  # not a service failure: the data it reads is not there yet (details from the service)
        return Outcome(status=BLOCKED_UPSTREAM, detail=f"upstream not ready: {result.blocked}; still fails {rules}",
                       **base)
    if not result.ok:
        return Outcome(status=FAILED, detail=f"{result.error}; still fails {rules}", **base)
    reported = result.reported
    if reported:
        return Outcome(status=FAILED, detail=f"service reported {'; '.join(reported)}; still fails {rules}", **base)
    return Outcome(status=SILENT_FAILURE,
                   detail=f"service answered {result.http_status} success but {rules} still fails", **base)


def not_sent(layer: str, day: dt.date, why: str) -> Outcome:
    return Outcome(layer=layer, date=day, status=NOT_SENT, detail=why)
