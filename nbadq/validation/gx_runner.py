"""Running a checkpoint of the on-disk GX project against a warehouse.

The checkpoint, its validation definitions and suites are used exactly as committed (Data Docs are updated by
the checkpoint's own UpdateDataDocsAction). Two things are set per run: the connection (NBADQ_GX_URL, read by
great_expectations.yml) with the warehouse's connection hooks, and the window, which a cursor-level hook renders
into every statement GX sends (see nbadq.rules.window).
"""

from __future__ import annotations

import logging
import os
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Iterator

from sqlalchemy import event
from sqlalchemy.engine import Engine

from nbadq.errors import WarehouseError
from nbadq.rules.project import Project
from nbadq.rules.window import Window
from nbadq.warehouse import Warehouse

ENV_GX_URL = "NBADQ_GX_URL"

_active_window: Window | None = None


def _narrow_window(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001 (SQLAlchemy hook)
    if _active_window is not None:
        statement = _active_window.render(statement)
    return statement, parameters


# Registered once at import, before any listener a test adds, so later listeners see the narrowed statement.
event.listen(Engine, "before_cursor_execute", _narrow_window, retval=True)


@contextmanager
def _window(window: Window) -> Iterator[None]:
    global _active_window
    _active_window = window
    try:
        yield
    finally:
        _active_window = None


@dataclass(frozen=True)
class GxOutcome:
    success: bool
    result: dict[str, Any]


def _quiet_gx() -> None:
    for name in ("great_expectations", "great_expectations.core", "great_expectations.data_context"):
        logging.getLogger(name).setLevel(logging.ERROR)


def run_checkpoint(project: Project, warehouse: Warehouse, checkpoint: str, window: Window) -> dict[str, GxOutcome]:
    """expectation id -> outcome. A metric that raised is a run that could not complete (WarehouseError)."""
    os.environ[ENV_GX_URL] = warehouse.gx_url()
    _quiet_gx()
    import great_expectations as gx

    from nbadq.validation import gx_actions  # noqa: F401  (registers the nbadq_slack and nbadq_update_data_docs action types)

    context = gx.get_context(mode="file", context_root_dir=str(project.root))
    with warehouse.gx_session(), _window(window):
        try:
            result = context.checkpoints.get(checkpoint).run()
        except Exception as exc:  # GX wraps engine errors in many types; the first line names the cause
            raise WarehouseError(f"Great Expectations could not run checkpoint {checkpoint!r}: "
                                 f"{_first_line(exc)}") from None
    outcomes: dict[str, GxOutcome] = {}
    for suite_result in result.run_results.values():
        for er in suite_result.results:
            _raise_if_errored(er)
            outcomes[str(er.expectation_config.id)] = GxOutcome(bool(er.success), dict(er.result or {}))
    return outcomes


def _raise_if_errored(er: Any) -> None:
    info = er.exception_info or {}
    # Single-metric errors come as a flat dict; multi-metric as {metric_id: {...}}.
    infos = [info] if "raised_exception" in info else [v for v in info.values() if isinstance(v, dict)]
    for item in infos:
        if item.get("raised_exception"):
            rule = (er.expectation_config.meta or {}).get("rule", er.expectation_config.type)
            raise WarehouseError(f"rule {rule} could not run: {_first_line(item.get('exception_message'))}")


def _first_line(value: Any) -> str:
    """The first non-empty line of an error, which for SQL errors is the database's own message."""
    lines = [line.strip() for line in str(value or "").splitlines() if line.strip()]
    return " ".join(lines[0].split())[:300] if lines else "unknown error"
