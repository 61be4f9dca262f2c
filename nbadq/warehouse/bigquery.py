"""The production warehouse: BigQuery through sqlalchemy-bigquery and google-cloud-bigquery.

Credentials come from Application Default Credentials. Every statement carries the bytes-billed cap and the job
labels when they are configured, so a mistaken whole-history scan fails fast instead of costing money.

With BIGQUERY_EMULATOR_HOST set (google-cloud-bigquery sends every request there), both clients, the direct one
and the one the SQLAlchemy engine of Great Expectations uses, take anonymous credentials: an emulator on the
machine needs none, and Application Default Credentials must not be looked up for it. Without the variable,
anonymous credentials are never used.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from contextlib import contextmanager
from typing import Any, Iterable, Iterator, Sequence
from urllib.parse import urlencode

from nbadq.errors import UsageError, WarehouseError
from nbadq.schema import Table

ENV_EMULATOR_HOST = "BIGQUERY_EMULATOR_HOST"  # google-cloud-bigquery's own variable
ENV_LOCATION = "NBADQ_BIGQUERY_LOCATION"  # where nba_dq is created and jobs run (default: nba_raw's location)
# The dataset whose location nba_dq takes when none is configured: the calendar is joined with platform tables,
# and BigQuery joins only tables of one location.
LOCATION_FROM_DATASET = "nba_raw"
# How long one API call keeps retrying transient errors (connection refused, 5xx) before the run gives up with
# exit 2. google-cloud-bigquery's own default is 10 minutes per call (20 for a query job), which makes an
# unreachable warehouse look like a hung job.
ENV_RETRY_SECONDS = "NBADQ_BIGQUERY_RETRY_SECONDS"
DEFAULT_RETRY_SECONDS = 120.0

_BQ_TYPES = {"STRING": "STRING", "DATE": "DATE", "TIMESTAMP": "TIMESTAMP", "INT64": "INT64", "BOOL": "BOOL",
             "NUMERIC": "NUMERIC", "FLOAT64": "FLOAT64"}


def emulator_host() -> str | None:
    return os.environ.get(ENV_EMULATOR_HOST) or None


def retry_seconds() -> float:
    value = os.environ.get(ENV_RETRY_SECONDS) or ""
    if not value:
        return DEFAULT_RETRY_SECONDS
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 < seconds < 86400:
        raise UsageError(f"{ENV_RETRY_SECONDS} must be a number of seconds between 0 and 86400, not {value!r}")
    return seconds


class BigQueryWarehouse:
    kind = "bigquery"

    def __init__(self, project: str, maximum_bytes_billed: int | None = None, labels: dict[str, str] | None = None,
                 location: str | None = None):
        self.project = project
        self.maximum_bytes_billed = maximum_bytes_billed
        self.labels = dict(labels or {})
        self.location = location or os.environ.get(ENV_LOCATION) or None
        self.label = f"bigquery://{project}"
        self.retry_seconds = retry_seconds()
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
        if self.location:
            query["location"] = self.location
        if self.maximum_bytes_billed is not None:
            query["maximum_bytes_billed"] = str(self.maximum_bytes_billed)
        if self.labels:
            query["labels"] = ",".join(f"{k}:{v}" for k, v in sorted(self.labels.items()))
        if emulator_host():
            # The engine then takes the client that gx_session() hands it (anonymous, with the same job config).
            query["user_supplied_client"] = "true"
        return f"bigquery://{self.project}" + (f"?{urlencode(query)}" if query else "")

    @contextmanager
    def gx_session(self) -> Iterator[None]:
        """Dataset-qualified names resolve in the project, so nothing is attached. On an emulator, each DB-API
        connection the engine opens gets an anonymous client (sqlalchemy-bigquery would look up ADC)."""
        if not emulator_host():
            yield
            return
        from sqlalchemy import event
        from sqlalchemy_bigquery import BigQueryDialect

        def supply_client(dialect, conn_rec, cargs, cparams):  # noqa: ANN001 (SQLAlchemy hook)
            cparams["client"] = self._new_client()
            cparams["prefer_bqstorage_client"] = False

        event.listen(BigQueryDialect, "do_connect", supply_client)
        try:
            yield
        finally:
            event.remove(BigQueryDialect, "do_connect", supply_client)

    # -- direct access ------------------------------------------------------------------------------------
    def _new_client(self) -> Any:
        from google.cloud import bigquery

        credentials = None
        if emulator_host():
            from google.auth.credentials import AnonymousCredentials

            credentials = AnonymousCredentials()
        return bigquery.Client(project=self.project, credentials=credentials, location=self.location,
                               default_query_job_config=self.job_config())

    def _bq(self) -> Any:
        if self._client is None:
            try:
                self._client = self._new_client()
            except Exception as exc:  # google.auth.exceptions.DefaultCredentialsError and kin: one line says why
                raise WarehouseError(f"{self.label}: no BigQuery client: {_first_line(exc)}") from None
        return self._client

    def _retry(self) -> Any:
        from google.cloud import bigquery

        return bigquery.DEFAULT_RETRY.with_deadline(self.retry_seconds)

    def _job_retry(self) -> Any:
        from google.cloud.bigquery.retry import DEFAULT_JOB_RETRY

        return DEFAULT_JOB_RETRY.with_deadline(self.retry_seconds)

    def job_config(self) -> Any:
        """Only what is configured: the client serialises a None cap as the string 'None', which BigQuery rejects."""
        from google.cloud import bigquery

        config = bigquery.QueryJobConfig()
        if self.maximum_bytes_billed is not None:
            config.maximum_bytes_billed = self.maximum_bytes_billed
        if self.labels:
            config.labels = dict(self.labels)
        return config

    def query(self, sql: str) -> list[dict[str, Any]]:
        try:
            retry, job_retry = self._retry(), self._job_retry()
            job = self._bq().query(sql, job_config=self.job_config(), retry=retry, job_retry=job_retry)
            rows = job.result(retry=retry, job_retry=job_retry)
        except WarehouseError:
            raise
        except Exception as exc:  # google.api_core errors carry the useful one-line message
            raise WarehouseError(f"{self.label}: {_first_line(exc)}") from None
        return [_plain(dict(r.items())) for r in rows]

    def missing_tables(self, tables: Iterable[Table]) -> list[str]:
        from google.api_core.exceptions import NotFound

        missing = []
        for t in tables:
            try:
                self._bq().get_table(f"{self.project}.{t.qualified}", retry=self._retry())
            except NotFound:
                missing.append(t.qualified)
            except WarehouseError:
                raise
            except Exception as exc:
                raise WarehouseError(f"{self.label}: {_first_line(exc)}") from None
        return missing

    def missing_columns(self, table: Table, columns: Iterable[str]) -> list[str]:
        """The given columns that `table` (which exists) lacks, from its schema (names are case-insensitive)."""
        try:
            schema = self._bq().get_table(f"{self.project}.{table.qualified}", retry=self._retry()).schema
        except WarehouseError:
            raise
        except Exception as exc:
            raise WarehouseError(f"{self.label}: {_first_line(exc)}") from None
        found = {field.name.lower() for field in schema}
        return [c for c in columns if c.lower() not in found]

    def ensure_dataset(self, dataset: str) -> None:
        """Create one of nbadq's own datasets when missing, in the configured location, else nba_raw's."""
        from google.api_core.exceptions import NotFound
        from google.cloud import bigquery

        client = self._bq()
        ref = f"{self.project}.{dataset}"
        try:
            client.get_dataset(ref, retry=self._retry())
            return
        except NotFound:
            pass
        location = self.location
        if not location:
            try:
                location = client.get_dataset(f"{self.project}.{LOCATION_FROM_DATASET}", retry=self._retry()).location
            except NotFound:
                location = None  # BigQuery's default location
        ds = bigquery.Dataset(ref)
        if location:
            ds.location = location
        ds.labels = {k: v for k, v in self.labels.items()}
        client.create_dataset(ds, exists_ok=True, retry=self._retry())

    def replace_table(self, table: Table, rows: Sequence[dict[str, Any]]) -> None:
        """WRITE_TRUNCATE load: readers see the old calendar or the new one, never a mix."""
        from google.cloud import bigquery

        schema = [bigquery.SchemaField(c, _BQ_TYPES[t]) for c, t in table.columns]
        config = bigquery.LoadJobConfig(schema=schema, write_disposition="WRITE_TRUNCATE")
        if self.labels:
            config.labels = dict(self.labels)
        payload = [{k: _json_value(v) for k, v in r.items()} for r in rows]
        try:
            self.ensure_dataset(table.dataset)
            job = self._bq().load_table_from_json(payload, f"{self.project}.{table.qualified}", job_config=config)
            job.result(retry=self._retry())
        except WarehouseError:
            raise
        except Exception as exc:
            raise WarehouseError(f"{self.label}: {_first_line(exc)}") from None


def _first_line(exc: BaseException) -> str:
    """One line for an error of the client: the API's own message, or for retries that ran out, what was tried."""
    from google.api_core.exceptions import RetryError

    if isinstance(exc, RetryError):
        cause = exc.cause
        detail = _first_line(cause) if cause is not None else "no answer"
        errno = re.search(r"\[Errno -?\d+\] [^\"')]+", detail)  # urllib3 nests the socket error in its text
        where = emulator_host() or "the BigQuery API"
        return (f"no answer from {where} after retrying for {retry_seconds():g} s ({ENV_RETRY_SECONDS}): "
                f"{errno.group(0).strip() if errno else detail}")
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, dt.date) and not isinstance(v, dt.datetime) else v)
            for k, v in row.items()}


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value
