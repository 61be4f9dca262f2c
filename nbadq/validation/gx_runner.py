"""Running a checkpoint of the on-disk GX project against a warehouse.

The checkpoint, its validation definitions and suites are used exactly as committed (Data Docs are updated by
the checkpoint's own UpdateDataDocsAction). Two things are set per run, and only for that run: the connection
(`${NBADQ_GX_URL}` in great_expectations.yml, given to GX as a runtime variable rather than written into this
process's environment) with the warehouse's connection hooks, and the window, which a cursor-level hook renders
into every statement GX sends to that warehouse (see nbadq.rules.window).
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Iterator

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url

from nbadq.errors import WarehouseError
from nbadq.rules.project import Project
from nbadq.rules.window import Window
from nbadq.warehouse import Warehouse

ENV_GX_URL = "NBADQ_GX_URL"


class _WindowHook:
    """Renders one run's window into every statement sent by an engine connected to that run's warehouse."""

    def __init__(self, url: str, window: Window):
        self.url, self.window = make_url(url), window

    def __call__(self, conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001 (SQLAlchemy hook)
        if conn.engine.url == self.url:  # engines of other warehouses in the process keep their statements
            statement = self.window.render(statement)
        return statement, parameters


@contextmanager
def _window(url: str, window: Window) -> Iterator[None]:
    """For one run: GX creates its engine itself, so the hook listens on every engine and picks this URL's."""
    hook = _WindowHook(url, window)
    event.listen(Engine, "before_cursor_execute", hook, retval=True)
    try:
        yield
    finally:
        event.remove(Engine, "before_cursor_execute", hook)


@dataclass(frozen=True)
class GxOutcome:
    success: bool
    result: dict[str, Any]


def _quiet_gx() -> None:
    for name in ("great_expectations", "great_expectations.core", "great_expectations.data_context"):
        logging.getLogger(name).setLevel(logging.ERROR)


def run_checkpoint(project: Project, warehouse: Warehouse, checkpoint: str, window: Window) -> dict[str, GxOutcome]:
    """expectation id -> outcome. A metric that raised is a run that could not complete (WarehouseError)."""
    url = warehouse.gx_url()
    _quiet_gx()
    import great_expectations as gx

    from nbadq.validation import gx_actions  # noqa: F401  (registers nbadq's action types and gx_metrics)

    context = gx.get_context(mode="file", context_root_dir=str(project.root), runtime_environment={ENV_GX_URL: url})
    plan = context.checkpoints.get(checkpoint)
    layers = len(plan.validation_definitions)
    with warehouse.gx_session(), _window(url, window), _store_when_complete(context, layers):
        try:
            result = plan.run()
        except WarehouseError:
            raise
        except Exception as exc:  # GX wraps engine errors in many types; the first line names the cause
            raise WarehouseError(f"Great Expectations could not run checkpoint {checkpoint!r}: "
                                 f"{_first_line(exc)}") from None
    outcomes: dict[str, GxOutcome] = {}
    for suite_result in result.run_results.values():
        for er in suite_result.results:
            outcomes[str(er.expectation_config.id)] = GxOutcome(bool(er.success), dict(er.result or {}))
    return outcomes


@contextmanager
def _store_when_complete(context: Any, layers: int) -> Iterator[None]:
    """Hold each layer's GX validation result until every layer has run without error, then store them all.

    GX stores a layer's result as soon as it is validated and builds Data Docs after the last one. A rule that
    could not run (a corrupt page, a lock) must leave neither behind: the first errored result raises here,
    before it or any held result is stored, and before the checkpoint's actions (Data Docs, Slack) run.
    """
    store = context.validation_results_store
    held: list[dict[str, Any]] = []

    def store_validation_results(**call: Any) -> bool:
        for er in call["suite_validation_result"].results:
            _raise_if_errored(er)
        held.append(call)
        if len(held) == layers:
            for each in held:
                type(store).store_validation_results(store, **each)
        return True

    store.store_validation_results = store_validation_results  # this context only; GX calls it by keyword
    try:
        yield
    finally:
        del store.store_validation_results


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
