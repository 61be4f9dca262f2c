"""One short reason per failing date, from the columns a rule's query returns and its meta.reason template."""

from __future__ import annotations

from typing import Any

from nbadq.rules.project import Expectation

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
