"""The direct engine: a rule's SQL, window-rendered, run on the warehouse without Great Expectations.

Used for what GX cannot give: complete failing-date lists (GX returns at most 200 rows), the coverage ratio, and
the per-date proofs of `nbadq fill` (milliseconds instead of a checkpoint run).
"""

from __future__ import annotations

from typing import Any

from nbadq.rules.batch import substitute_batch
from nbadq.rules.project import Expectation, Layer
from nbadq.rules.window import Window
from nbadq.warehouse import Warehouse


def render(sql: str, layer: Layer, window: Window) -> str:
    return window.render(substitute_batch(sql, layer.batch_query))


def iso(value: Any) -> str:
    """DATE from BigQuery (date) or SQLite (TEXT) as YYYY-MM-DD."""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)[:10]


def unexpected_rows(warehouse: Warehouse, layer: Layer, expectation: Expectation, window: Window) -> list[dict]:
    """Every row of the rule's unexpected-rows query (GX stops at 200)."""
    return warehouse.query(render(expectation.query or "", layer, window))


def failing_rows(warehouse: Warehouse, layer: Layer, expectation: Expectation, window: Window) -> list[dict]:
    """One row per failing date, sorted, with `failing_date` as an ISO string."""
    rows = unexpected_rows(warehouse, layer, expectation, window)
    for row in rows:
        row["failing_date"] = iso(row["failing_date"])
    return sorted(rows, key=lambda r: r["failing_date"])


def metric(warehouse: Warehouse, layer: Layer, expectation: Expectation, window: Window) -> dict[str, Any] | None:
    """The single row of an aggregate rule's metric_query (e.g. coverage), or None when it has none."""
    sql = expectation.meta.get("metric_query")
    if not sql:
        return None
    rows = warehouse.query(render(sql, layer, window))
    return rows[0] if rows else None
