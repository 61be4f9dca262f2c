"""The validation runner: checkpoints through Great Expectations, and fast per-date re-checks.

    run_checkpoint(warehouse, checkpoint, since, until) -> validate JSON document (dict)
    recheck_dates(warehouse, rules, dates) -> {rule: [dates that still fail]}
    checkpoint_layers(checkpoint) -> layers it covers
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Sequence

from nbadq import game_dates
from nbadq.config import load_settings, project_root
from nbadq.errors import UsageError, WarehouseError
from nbadq.rules.project import Project, load_project
from nbadq.rules.window import Window
from nbadq.schema import BY_NAME, GAME_DATES
from nbadq.warehouse import Warehouse, open_warehouse


def _project() -> Project:
    return load_project(project_root())


def checkpoint_layers(checkpoint: str) -> list[str]:
    return list(_project().checkpoint_layers(checkpoint))


def preflight(warehouse: Warehouse, project: Project, layers: tuple[str, ...]) -> None:
    """Fail before anything runs (or is written) when a table a rule reads is absent."""
    needed = sorted(t for t in project.tables(layers) | {"nba_raw.nbac_schedule"} if t != GAME_DATES.qualified)
    missing = warehouse.missing_tables([BY_NAME[t] for t in needed if t in BY_NAME])
    unknown = [t for t in needed if t not in BY_NAME]
    if missing or unknown:
        raise WarehouseError(f"{warehouse.label} lacks table(s) {', '.join(missing + unknown)} "
                             f"needed by checkpoint layers {', '.join(layers)}")


def run_checkpoint(warehouse: str | None = None, checkpoint: str = "nightly", since: dt.date | None = None,
                   until: dt.date | None = None) -> dict[str, Any]:
    from nbadq.validation import document, gx_runner

    if since and until and since > until:
        raise UsageError(f"--since {since} is after --until {until}")
    project = _project()
    layers = project.checkpoint_layers(checkpoint)
    wh = open_warehouse(load_settings(warehouse))
    preflight(wh, project, layers)
    if wh.kind == "local":
        game_dates.refresh(wh)  # on BigQuery the calendar is refreshed by `nbadq calendar`
    window = Window(since, until)
    outcomes = gx_runner.run_checkpoint(project, wh, checkpoint, window)
    return document.build(project, wh, checkpoint, layers, window, outcomes, game_dates.read(wh, since, until))


def recheck_dates(warehouse: str | None, rules: Sequence[str],
                  dates: Sequence[dt.date]) -> dict[str, list[str]]:
    """Re-run the dated expectations of `rules` for each date alone (its partitions only), directly in SQL."""
    from nbadq.validation import direct

    project = _project()
    wh = open_warehouse(load_settings(warehouse))
    wanted = set(rules)
    unknown = wanted - {e.rule for e in project.rules()}
    if unknown:
        raise UsageError(f"unknown rule(s): {', '.join(sorted(unknown))}")
    failing: dict[str, set[str]] = {r: set() for r in rules}
    for layer in project.layers.values():
        for exp in (e for e in layer.expectations if e.rule in wanted and e.dated):
            for day in dates:
                rows = direct.failing_rows(wh, layer, exp, Window(day, day))
                failing[exp.rule].update(r["failing_date"] for r in rows)
    return {rule: sorted(days) for rule, days in failing.items()}


__all__ = ["run_checkpoint", "recheck_dates", "checkpoint_layers"]
