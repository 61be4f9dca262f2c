"""Where incidents land: the Defect record, the seasons they hit, and the date picker that keeps them apart."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any, Iterable

from nbadq.sample.truth import Truth

GAP_RUN_DATES = 36  # a Phase 4 backfill that never ran: enough to sink that season's coverage below 80%


@dataclass
class Defect:
    """What one incident did: the dates it touched, and per rule the dates that rule must now report."""

    kind: str
    description: str
    dates: list[dt.date]
    fails: dict[str, list[dt.date]]
    processors: dict[dt.date, tuple[str, ...]] = field(default_factory=dict)  # for the run history

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "description": self.description,
                "dates": sorted(d.isoformat() for d in self.dates)}


class DatePicker:
    """Draws defect dates without replacement, deterministically for a seed."""

    def __init__(self, truth: Truth, rng: random.Random) -> None:
        self.truth, self.rng, self.used = truth, rng, set()

    def reserve(self, dates: Iterable[dt.date]) -> list[dt.date]:
        dates = sorted(dates)
        self.used.update(dates)
        return dates

    def pick(self, n: int, candidates: Iterable[dt.date]) -> list[dt.date]:
        free = [d for d in candidates if d not in self.used]
        return self.reserve(self.rng.sample(free, min(n, len(free))))


@dataclass(frozen=True)
class Plan:
    """Which season each season-wide incident lands in."""
    seasons: tuple[int, ...]

    @property
    def gap_season(self) -> int:  # the Phase 4 gap and the lost month of grading (2024-25 in the incidents)
        return 2024 if 2024 in self.seasons else self.seasons[-1]

    @property
    def null_season(self) -> int:  # the NULL-minutes bug hit 2021-24
        return self.seasons[0]

    @property
    def playoff_season(self) -> int:
        return self.seasons[min(1, len(self.seasons) - 1)]


def reserve_season_blocks(truth: Truth, picker: DatePicker, plan: Plan) -> dict[str, list[dt.date]]:
    """Reserve the long runs first so scattered defects stay out of them."""
    processable = truth.dates(plan.gap_season)
    january = [d for d in processable if d.month == 1]
    playoffs = truth.dates(plan.playoff_season, kind="playoffs")
    return {"gap": picker.reserve(processable[3:3 + GAP_RUN_DATES]), "january": picker.reserve(january),
            "playoffs": picker.reserve(playoffs)}
