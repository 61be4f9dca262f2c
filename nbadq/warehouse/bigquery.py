"""The production warehouse: BigQuery through sqlalchemy-bigquery and google-cloud-bigquery.

Credentials come from Application Default Credentials. Every statement carries the bytes-billed cap and the job
labels when they are configured, so a mistaken whole-history scan fails fast instead of costing money.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from typing import Any, Iterable, Iterator, Sequence
from urllib.parse import urlencode

from nbadq.errors import UsageError, WarehouseError
from nbadq.schema import Table

_BQ_TYPES = {"STRING": "STRING", "DATE": "DATE", "TIMESTAMP": "TIMESTAMP", "INT64": "INT64", "BOOL": "BOOL",
             "NUMERIC": "NUMERIC", "FLOAT64": "FLOAT64"}


class BigQueryWarehouse:
    kind = "bigquery"

    def __init__(self, project: str, maximum_bytes_billed: int | None = None, labels: dict[str, str] | None = None):
        self.project = project
        self.maximum_bytes_billed = maximum_bytes_billed
        self.labels = dict(labels or {})
        self.label = f"bigquery://{project}"
        self._client: Any = None

    @classmethod
    def from_url(cls, url: str, maximum_bytes_billed: int | None, labels: dict[str, str]) -> "BigQueryWarehouse":
        project = url.removeprefix("bigquery://").strip("/")
        if not project or "/" in project or "?" in project:
            raise UsageError(f"--warehouse {url!r}: use bigquery://PROJECT (set the byte cap with "
                             "NBADQ_MAXIMUM_BYTES_BILLED)")
        return cls(project, maximum_bytes_billed, labels)

    # -- Great Expectations -------------------------------------------------------------------------------
    def gx_url(self) -> str:
        query: dict[str, str] = {}
        if self.maximum_bytes_billed:
            query["maximum_bytes_billed"] = str(self.maximum_bytes_billed)
        if self.labels:
            query["labels"] = ",".join(f"{k}:{v}" for k, v in sorted(self.labels.items()))
        return f"bigquery://{self.project}" + (f"?{urlencode(query)}" if query else "")

    @contextmanager
    def gx_session(self) -> Iterator[None]:
        yield  # nothing to attach: dataset-qualified names resolve in the project

    # -- direct access ------------------------------------------------------------------------------------
    def _bq(self) -> Any:
        if self._client is None:
            from google.cloud import bigquery

            self._client = bigquery.Client(project=self.project)
        return self._client

    def job_config(self) -> Any:
        from google.cloud import bigquery

        return bigquery.QueryJobConfig(maximum_bytes_billed=self.maximum_bytes_billed, labels=self.labels)

    def query(self, sql: str) -> list[dict[str, Any]]:
        try:
            rows = self._bq().query(sql, job_config=self.job_config()).result()
        except Exception as exc:  # google.api_core errors carry the useful one-line message
            raise WarehouseError(f"{self.label}: {str(exc).splitlines()[0]}") from None
        return [_plain(dict(r.items())) for r in rows]

    def missing_tables(self, tables: Iterable[Table]) -> list[str]:
        from google.api_core.exceptions import NotFound

        missing = []
        for t in tables:
            try:
                self._bq().get_table(f"{self.project}.{t.qualified}")
            except NotFound:
                missing.append(t.qualified)
            except Exception as exc:
                raise WarehouseError(f"{self.label}: {str(exc).splitlines()[0]}") from None
        return missing

    def replace_table(self, table: Table, rows: Sequence[dict[str, Any]]) -> None:
        """WRITE_TRUNCATE load: readers see the old calendar or the new one, never a mix."""
        from google.cloud import bigquery

        schema = [bigquery.SchemaField(c, _BQ_TYPES[t]) for c, t in table.columns]
        config = bigquery.LoadJobConfig(schema=schema, write_disposition="WRITE_TRUNCATE", labels=self.labels)
        payload = [{k: _json_value(v) for k, v in r.items()} for r in rows]
        try:
            self._bq().load_table_from_json(payload, f"{self.project}.{table.qualified}", job_config=config).result()
        except Exception as exc:
            raise WarehouseError(f"{self.label}: {str(exc).splitlines()[0]}") from None


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, dt.date) and not isinstance(v, dt.datetime) else v)
            for k, v in row.items()}


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value
