"""The report's view model: everything the HTML page shows, derived from the validate and fill documents.

Pure functions of the two JSON dicts (checked first, so a bad document is a UsageError, not a wrong picture).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from nbadq.report.coverage import SeasonCalendar, game_dates, season_calendars
from nbadq.report.documents import check_fill_doc, check_validate_doc
from nbadq.report.fill_view import FillView, fill_view
from nbadq.report.results import LayerResult, RuleResult, layer_results


@dataclass(frozen=True)
class LatestGameDate:
    """The most recent game date validated and the layers failing on it: 'did last night break?'"""

    date: dt.date
    failing_layers: tuple[str, ...]


@dataclass(frozen=True)
class Report:
    success: bool
    checkpoint: str
    warehouse: str
    since: str | None
    until: str | None
    generated_at: str
    layers: tuple[LayerResult, ...]
    seasons: tuple[SeasonCalendar, ...]
    latest: LatestGameDate | None
    fill: FillView | None

    @property
    def failing_layers(self) -> tuple[LayerResult, ...]:
        return tuple(layer for layer in self.layers if not layer.success)

    @property
    def warning_rules(self) -> tuple[RuleResult, ...]:
        """Warn-severity rules that failed, every layer: reported, never failing the run."""
        return tuple(r for layer in self.layers for r in layer.warning_rules)

    @property
    def failing_date_count(self) -> int:
        """Distinct dates failing in at least one layer."""
        return len({d for layer in self.layers for d in layer.failing_dates})


def build_report(validate_doc: dict, fill_doc: dict | None = None) -> Report:
    check_validate_doc(validate_doc)
    if fill_doc is not None:
        check_fill_doc(fill_doc)
    layers = layer_results(validate_doc)
    fill = fill_view(fill_doc) if fill_doc is not None else None
    window = validate_doc.get("window") or {}
    return Report(
        success=validate_doc["success"],
        checkpoint=str(validate_doc.get("checkpoint") or "?"),
        warehouse=str(validate_doc.get("warehouse") or "?"),
        since=window.get("since"),
        until=window.get("until"),
        generated_at=str(validate_doc.get("generated_at") or "?"),
        layers=layers,
        seasons=season_calendars(validate_doc, layers, fill.by_cell() if fill else None),
        latest=latest_game_date(validate_doc, layers),
        fill=fill,
    )


def latest_game_date(validate_doc: dict, layers: tuple[LayerResult, ...]) -> LatestGameDate | None:
    until = (validate_doc.get("window") or {}).get("until")
    days = [d for d in game_dates(validate_doc) if until is None or d <= dt.date.fromisoformat(until)]
    if not days:
        return None
    latest = max(days)
    return LatestGameDate(date=latest,
                          failing_layers=tuple(layer.name for layer in layers if latest in layer.failing_dates))
