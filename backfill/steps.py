"""One unit of a fill plan: a (layer, date) step and why it is in the plan. Pure.

A reason is one of
    failing: <rule>              the validation lists the date as failing <rule>, whose remediation names the layer
    cascade: <layer> <date>      an upstream step of the plan rewrites what this step's rows were built from
    resume: <original reason>    an earlier run (the resumed ledger) planned it and never settled it
A step with failing rules is proven by re-checking them; a cascade-only step by its rows having been rewritten
after its request was sent (nbadq.validation.rewritten).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

FAILING = "failing: "
CASCADE = "cascade: "
RESUME = "resume: "


@dataclass(frozen=True, order=True)
class Step:
    layer: str
    date: dt.date
    reasons: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()  # the failing rules re-checked after the call; empty for a cascade-only step

    @property
    def key(self) -> tuple[str, dt.date]:
        return self.layer, self.date

    @property
    def cascade(self) -> bool:
        """In the plan only because something upstream was refilled: proven by rewritten rows, not by rules."""
        return not self.rules

    @property
    def label(self) -> str:
        return f"{self.layer} {self.date.isoformat()}"


def failing_reason(rule: str) -> str:
    return FAILING + rule


def cascade_reason(layer: str, day: dt.date) -> str:
    return f"{CASCADE}{layer} {day.isoformat()}"


def resume_reason(original: str) -> str:
    return original if original.startswith(RESUME) else RESUME + original


def cascade_source(reason: str) -> tuple[str, dt.date] | None:
    """('analytics', 2024-01-30) for 'cascade: analytics 2024-01-30' (also under 'resume: '); else None."""
    text = reason.removeprefix(RESUME)
    if not text.startswith(CASCADE):
        return None
    layer, _, day = text.removeprefix(CASCADE).partition(" ")
    try:
        return layer, dt.date.fromisoformat(day)
    except ValueError:
        return None
