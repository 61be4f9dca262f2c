"""Warehouse access. The only package that knows whether it talks to SQLite or BigQuery."""

from __future__ import annotations

from pathlib import Path

from nbadq.config import Settings
from nbadq.warehouse.base import Warehouse

BIGQUERY_SCHEME = "bigquery://"


def open_warehouse(settings: Settings) -> Warehouse:
    """A local directory, or bigquery://PROJECT. Nothing is written by opening."""
    target = settings.warehouse
    if target.startswith(BIGQUERY_SCHEME):
        from nbadq.warehouse.bigquery import BigQueryWarehouse

        return BigQueryWarehouse.from_url(target, settings.maximum_bytes_billed, settings.labels)
    from nbadq.warehouse.local import LocalWarehouse

    return LocalWarehouse(Path(target))


__all__ = ["Warehouse", "open_warehouse"]
