"""Proof per date: after a call returns, re-check only that date's partitions with the rules that made it fail.

HTTP 200 proves nothing here: the Phase 4 service answers "success" when it wrote nothing (contract, section 4).
Only the tables tell the truth, so each date is re-checked with `nbadq.validation.recheck_dates` (direct SQL,
about 10-50 ms locally, no Great Expectations) right after its call. A cascade step has no failing rule: it is
proven by its rows having been rewritten after its request was sent (`nbadq.validation.rewritten`).
"""

from __future__ import annotations

import datetime as dt
from typing import Callable, Mapping, Sequence

from nbadq.errors import UsageError

Recheck = Callable[[str | None, Sequence[str], Sequence[dt.date]], dict[str, list[str]]]


class Verifier:
    def __init__(self, warehouse: str | None, recheck: Recheck | None = None) -> None:
        self._warehouse = warehouse
        self._recheck = recheck

    def not_rewritten(self, layer: str, dates: Sequence[dt.date], sent_at: dt.datetime,
                      processors: Sequence[str] = ()) -> dict[dt.date, tuple[str, ...]]:
        """date -> why its rows do not prove a rewrite at or after `sent_at`; an empty tuple = proven."""
        from nbadq.validation.rewritten import not_rewritten

        return not_rewritten(self._warehouse, layer, dates, sent_at, processors)

    def still_failing(self, rules_by_date: Mapping[dt.date, Sequence[str]]) -> dict[dt.date, tuple[str, ...]]:
        """date -> the rules (among those that made it fail) that still fail on it; empty tuple = it passes."""
        rules = sorted({r for rs in rules_by_date.values() for r in rs})
        dates = sorted(rules_by_date)
        found = self._checker()(self._warehouse, rules, dates)
        failing = {rule: set(days) for rule, days in found.items()}
        return {d: tuple(r for r in rules_by_date[d] if d.isoformat() in failing.get(r, ())) for d in dates}

    def require_calendar(self) -> None:
        """Re-checks join nbadq's calendar; a warehouse never validated has none: say what to run, before any work."""
        from nbadq.config import load_settings
        from nbadq.schema import GAME_DATES
        from nbadq.warehouse import BIGQUERY_SCHEME, open_warehouse

        settings = load_settings(self._warehouse)
        target = settings.warehouse
        if open_warehouse(settings).missing_tables([GAME_DATES]):
            command = "calendar" if target.startswith(BIGQUERY_SCHEME) else "validate"
            raise UsageError(f"--from-validate: warehouse {target} has no calendar ({GAME_DATES.qualified}); "
                             f"run `nbadq {command} --warehouse {target}` first")

    def _checker(self) -> Recheck:
        if self._recheck is None:
            from nbadq.validation import recheck_dates  # imported on first use: planning must not need it

            self._recheck = recheck_dates
        return self._recheck
