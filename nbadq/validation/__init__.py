"""The validation runner: checkpoints through Great Expectations, and fast per-date re-checks.

    run_checkpoint(warehouse, checkpoint, since, until) -> validate JSON document (dict)
    recheck_dates(warehouse, rules, dates) -> {rule: [dates that still fail]}
    checkpoint_layers(checkpoint) -> layers it covers
"""

from __future__ import annotations

import datetime as dt
import json
import re
from contextlib import AbstractContextManager, nullcontext
from typing import Any, Sequence

from nbadq import clock, game_dates
from nbadq.config import load_settings, project_root
from nbadq.errors import UsageError, WarehouseError
from nbadq.rules.project import Project, load_project
from nbadq.rules.window import Window
from nbadq.schema import BY_NAME, GAME_DATES, Table
from nbadq.warehouse import Warehouse, open_warehouse


def _project() -> Project:
    return load_project(project_root())


def checkpoint_layers(checkpoint: str) -> list[str]:
    return list(_project().checkpoint_layers(checkpoint))


def calendar_rebuilt_per_run(warehouse: Warehouse) -> bool:
    """Locally the calendar is rebuilt before every run; on BigQuery it is a load job run by `nbadq calendar`."""
    return warehouse.kind == "local"


def _statements(project: Project, layers: tuple[str, ...]) -> list[str]:
    """Every SQL text the run sends for these layers (batches, rules with their batch, metrics) and the calendar's."""
    texts = [game_dates.DEDUPED_SCHEDULE_SQL]
    for name in layers:
        layer = project.layers[name]
        texts.append(layer.batch_query)
        for e in layer.expectations:
            texts.append(layer.batch_query + " " + json.dumps(e.kwargs) + " " + str(e.meta.get("metric_query") or ""))
    return texts


def columns_read(table: Table, statements: Sequence[str]) -> list[str]:
    """The contract columns of `table` that a statement naming the table mentions: what the run reads from it.

    A name shared by two tables of one statement counts for both; every such column is in the contract anyway."""
    found: set[str] = set()
    for sql in (s for s in statements if re.search(rf"\b{re.escape(table.qualified)}\b", s)):
        found.update(c for c in table.column_names if re.search(rf"\b{c}\b", sql))
    return [c for c in table.column_names if c in found]


def preflight(warehouse: Warehouse, project: Project, layers: tuple[str, ...]) -> None:
    """Fail before anything runs (or is written) when a table or column a rule reads is absent."""
    needed = sorted(t for t in project.tables(layers) | {"nba_raw.nbac_schedule"} if t != GAME_DATES.qualified)
    missing = warehouse.missing_tables([BY_NAME[t] for t in needed if t in BY_NAME])
    unknown = [t for t in needed if t not in BY_NAME]
    if missing or unknown:
        raise WarehouseError(f"{warehouse.label} lacks table(s) {', '.join(missing + unknown)} "
                             f"needed by checkpoint layers {', '.join(layers)}")
    statements = _statements(project, layers)
    lacking = [f"{t}.{c}" for t in needed
               for c in warehouse.missing_columns(BY_NAME[t], columns_read(BY_NAME[t], statements))]
    if lacking:
        raise WarehouseError(f"{warehouse.label} lacks column(s) {', '.join(lacking)} "
                             f"needed by checkpoint layers {', '.join(layers)}")
    if not calendar_rebuilt_per_run(warehouse) and warehouse.missing_tables([GAME_DATES]):
        raise WarehouseError(f"{warehouse.label} has no {GAME_DATES.qualified}: run `nbadq calendar "
                             f"--warehouse {warehouse.label}` first")


def _staged(warehouse: Warehouse) -> AbstractContextManager[None]:
    """Locally, the calendar a run rebuilds is put in place only when the run completes (nothing written on exit 2)."""
    if not calendar_rebuilt_per_run(warehouse):
        return nullcontext()
    return warehouse.staged_own_file()  # type: ignore[attr-defined]  (LocalWarehouse)


def _calendar(warehouse: Warehouse, since: dt.date | None, until: dt.date | None) -> list[dict[str, Any]]:
    """The calendar rows of the window; a calendar without any game date leaves nothing to validate against."""
    if calendar_rebuilt_per_run(warehouse):
        game_dates.refresh(warehouse)  # refuses (exit 2) a schedule without a single game date
    elif not game_dates.read(warehouse, limit=1):
        raise WarehouseError(f"{warehouse.label}: {GAME_DATES.qualified} holds no game date: load the schedule, "
                             f"then run `nbadq calendar --warehouse {warehouse.label}`")
    return game_dates.read(warehouse, since, until)


def window_note(window: Window, count: int) -> str | None:
    """What to say when a window holds no game date (not an error: nothing was due)."""
    if count:
        return None
    since, until = (window.as_json()[k] for k in ("since", "until"))
    return f"0 game dates in {since or 'start'}..{until or 'end'}"


def run_checkpoint(warehouse: str | None = None, checkpoint: str = "nightly", since: dt.date | None = None,
                   until: dt.date | None = None, as_of: dt.datetime | None = None) -> dict[str, Any]:
    """`as_of`: the clock the season_only rules (raw.freshness) are measured against (default: now, UTC)."""
    from nbadq.validation import document, gx_runner

    if since and until and since > until:
        raise UsageError(f"--since {since} is after --until {until}")
    project = _project()
    layers = project.checkpoint_layers(checkpoint)
    wh = open_warehouse(load_settings(warehouse))
    preflight(wh, project, layers)
    window = Window(since, until, clock.instant(as_of) or clock.now())  # a naive clock is UTC
    with _staged(wh):
        calendar = _calendar(wh, since, until)
        outcomes = gx_runner.run_checkpoint(project, wh, checkpoint, window)
        doc = document.build(project, wh, checkpoint, layers, window, outcomes, calendar)
    doc["game_dates_in_window"] = len(calendar)
    doc["notes"] = [note] if (note := window_note(window, len(calendar))) else []
    return doc


def recheck_dates(warehouse: str | None, rules: Sequence[str],
                  dates: Sequence[dt.date]) -> dict[str, list[str]]:
    """Re-run the dated error expectations of `rules` for each date alone (its partitions only), directly in SQL.
    A `warn` expectation sharing a rule id (grading.per_system's 80%) is left out: fill plans a date only for error
    expectations, so proving it must not hold the date to the warning's stricter bar."""
    from nbadq.rules.spec import ERROR
    from nbadq.validation import direct

    project = _project()
    wh = open_warehouse(load_settings(warehouse))
    wanted = set(rules)
    unknown = wanted - {e.rule for e in project.rules()}
    if unknown:
        raise UsageError(f"unknown rule(s): {', '.join(sorted(unknown))}")
    failing: dict[str, set[str]] = {r: set() for r in rules}
    for layer in project.layers.values():
        for exp in (e for e in layer.expectations if e.rule in wanted and e.dated and e.severity == ERROR):
            for day in dates:
                rows = direct.failing_rows(wh, layer, exp, Window(day, day))
                failing[exp.rule].update(r["failing_date"] for r in rows)
    return {rule: sorted(days) for rule, days in failing.items()}


__all__ = ["run_checkpoint", "recheck_dates", "checkpoint_layers"]
