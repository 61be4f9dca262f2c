"""Were a layer's rows of a date rewritten after a given instant? The proof of a cascade step.

A cascade step (a precompute date re-run because an analytics date it reads was refilled, the predictions and
grading after it) has no failing rule to re-check: its rows were there before, built from the old upstream data.
It is proven when the layer's rows for the date exist and every one of them was written at or after the moment
its request was sent: analytics and precompute carry `processed_at`, active predictions `created_at`, grading
`graded_at` (contract, section 1). Writes there are MERGEs or DELETE+INSERT per date, so a re-run restamps them all.

The SQL is the suites' shared subset (a GROUP BY on the stamp, no engine-specific time functions); the stamps are
compared here in Python, because a local warehouse stores TIMESTAMP as ISO 8601 TEXT whose spelling (a `T` or a
space, `Z` or `+00:00`, fractions or not) must not decide the order. The instant is floored to the whole second:
processors may stamp rows at second precision.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Sequence

from nbadq.clock import instant
from nbadq.config import load_settings
from nbadq.schema import PHASE4_PROCESSORS, table
from nbadq.warehouse import open_warehouse


@dataclass(frozen=True)
class Written:
    """Where a layer's rows of a date are, and which column says when they were written."""

    qualified: str
    stamp: str
    where: str = ""  # an extra filter: only these rows count


PHASE4_WRITES = {  # processor -> what it writes (the order of PHASE4_PROCESSORS)
    "TeamDefenseZoneAnalysisProcessor": Written("nba_precompute.team_defense_zone_analysis", "processed_at"),
    "PlayerShotZoneAnalysisProcessor": Written("nba_precompute.player_shot_zone_analysis", "processed_at"),
    "PlayerDailyCacheProcessor": Written("nba_precompute.player_daily_cache", "processed_at"),
    "PlayerCompositeFactorsProcessor": Written("nba_precompute.player_composite_factors", "processed_at"),
    "MLFeatureStoreProcessor": Written("nba_predictions.ml_feature_store_v2", "processed_at"),
}
WRITES: dict[str, tuple[Written, ...]] = {
    "analytics": (Written("nba_analytics.player_game_summary", "processed_at"),),
    "precompute": tuple(PHASE4_WRITES[p] for p in PHASE4_PROCESSORS),
    "predictions": (Written("nba_predictions.player_prop_predictions", "created_at", "is_active = TRUE"),),
    "grading": (Written("nba_predictions.prediction_accuracy", "graded_at"),),
}


def not_rewritten(warehouse: str | None, layer: str, dates: Sequence[dt.date], sent_at: dt.datetime,
                  processors: Sequence[str] = ()) -> dict[dt.date, tuple[str, ...]]:
    """date -> what shows its rows were not rewritten at or after `sent_at` (UTC); an empty tuple = proven.

    `processors` narrows precompute to the tables of the Phase 4 processors a filler runs (empty = all five)."""
    wh = open_warehouse(load_settings(warehouse))
    since = _utc(sent_at).replace(microsecond=0)
    found: dict[dt.date, list[str]] = {d: [] for d in dates}
    for written in _writes(layer, processors):
        counts = _counts(wh.query(_sql(written, dates)), since)
        name = written.qualified.split(".")[1]
        for day in dates:
            total, older = counts.get(day, (0, 0))
            if not total:
                found[day].append(f"{name}: no rows")
            elif older:
                found[day].append(f"{name}: {older} of {total} rows older")
    return {d: tuple(v) for d, v in found.items()}


def _writes(layer: str, processors: Sequence[str]) -> tuple[Written, ...]:
    if layer == "precompute" and processors:
        return tuple(PHASE4_WRITES[p] for p in PHASE4_PROCESSORS if p in processors)
    return WRITES[layer]


def _sql(written: Written, dates: Sequence[dt.date]) -> str:
    column = table(written.qualified).date_column
    days = ", ".join(f"'{d.isoformat()}'" for d in sorted(set(dates)))
    extra = f" AND {written.where}" if written.where else ""
    return (f"SELECT {column} AS day, {written.stamp} AS written_at, COUNT(*) AS n FROM {written.qualified} "
            f"WHERE {column} IN ({days}){extra} GROUP BY {column}, {written.stamp}")


def _counts(rows: list[dict[str, Any]], since: dt.datetime) -> dict[dt.date, tuple[int, int]]:
    """date -> (rows, rows written before `since`); a row without a stamp counts as old."""
    found: dict[dt.date, tuple[int, int]] = {}
    for r in rows:
        day = dt.date.fromisoformat(str(r["day"])[:10])
        at = instant(r["written_at"])
        total, older = found.get(day, (0, 0))
        n = int(r["n"])
        found[day] = (total + n, older + (n if at is None or at < since else 0))
    return found


def _utc(moment: dt.datetime) -> dt.datetime:
    """Naive stamps are UTC (the platform writes UTC everywhere)."""
    return moment.replace(tzinfo=dt.timezone.utc) if moment.tzinfo is None else moment.astimezone(dt.timezone.utc)
