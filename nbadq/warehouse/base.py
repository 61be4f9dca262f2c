"""What the rest of nbadq may ask of a warehouse. Only nbadq.warehouse knows which engine answers."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any, Iterable, Protocol, Sequence

from nbadq.schema import Table


class Warehouse(Protocol):
    kind: str  # "local" or "bigquery"
    label: str  # how reports name it: "local:/path" or "bigquery://PROJECT"

    def gx_url(self) -> str:
        """The SQLAlchemy URL Great Expectations connects with (NBADQ_GX_URL)."""

    def gx_session(self) -> AbstractContextManager[None]:
        """Hooks that every connection GX opens needs while a checkpoint runs (local: ATTACH the datasets)."""

    def query(self, sql: str) -> list[dict[str, Any]]:
        """Run one read-only statement written in the suites' shared SQL subset; rows as dicts."""

    def missing_tables(self, tables: Iterable[Table]) -> list[str]:
        """Qualified names of the given tables that the warehouse does not hold."""

    def missing_columns(self, table: Table, columns: Iterable[str]) -> list[str]:
        """The given columns that `table` (which exists) lacks."""

    def replace_table(self, table: Table, rows: Sequence[dict[str, Any]]) -> None:
        """Replace all rows of one of nbadq's own tables (the calendar) atomically."""
