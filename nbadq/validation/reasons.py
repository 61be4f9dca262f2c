"""One short reason per failing date, from the columns a rule's query returns and its meta.reason template; and,
for a rule whose rows are the findings (raw.impossible_dates), one such line per row."""

from __future__ import annotations

from typing import Any

from nbadq.rules.project import Expectation, Layer
from nbadq.rules.window import Window
from nbadq.validation import direct
from nbadq.warehouse import Warehouse

_MISSING = "missing_"


def _fields(row: dict[str, Any]) -> dict[str, Any]:
    fields = dict(row)
    # precompute.completeness returns a 0/1 column per table; the reason names the tables that are missing.
    fields["missing_tables"] = ", ".join(k[len(_MISSING):] for k, v in row.items() if k.startswith(_MISSING) and v)
    return fields


def reason(expectation: Expectation, row: dict[str, Any]) -> str:
    template = expectation.meta.get("reason")
    if not template:
        return ""
    try:
        return str(template).format(**_fields(row))
    except (KeyError, ValueError, TypeError):
        return ", ".join(f"{k}={v}" for k, v in row.items() if k != "failing_date")


def lists_rows(expectation: Expectation) -> bool:
    """A rule whose unexpected rows are themselves the findings (not dates, not a metric): raw.impossible_dates."""
    return expectation.query is not None and not expectation.dated and not expectation.meta.get("observed")


def findings(expectation: Expectation, rows: list[dict[str, Any]]) -> list[str]:
    """One line per unexpected row (its reason), in a stable order."""
    ordered = sorted(rows, key=lambda r: tuple(str(v) for v in r.values()))
    return [reason(expectation, row) for row in ordered]


def findings_entry(warehouse: Warehouse, layer: Layer, expectation: Expectation, result: dict[str, Any],
                   window: Window) -> dict[str, Any]:
    """{"findings": [...]} for a rule that lists rows, complete (GX returns at most 200); {} for other rules."""
    if not lists_rows(expectation):
        return {}
    rows = (result.get("details") or {}).get("unexpected_rows") or []
    if len(rows) < (result.get("observed_value") or 0):
        rows = direct.unexpected_rows(warehouse, layer, expectation, window)
    return {"findings": findings(expectation, rows)}
