"""One execution per unexpected-rows query (importing this module registers it; nbadq.validation.gx_actions does).

GX's UnexpectedRowsExpectation depends on two metrics that each send the rule's query: `unexpected_rows_query.row_count`
wraps it in `SELECT COUNT(*) FROM (...)`, `unexpected_rows_query.table` runs it again to fetch up to 200 rows. Every
rule's SQL therefore ran twice, about half the SQL time of a nightly run. Here both metrics, on SQL engines, read
one new metric, `nbadq.unexpected_rows_query.rows`, which runs the query once and fetches every row: the count is
its length and the table its first 200 rows, the values GX computed before. The suites, the expectation type and
the result GX stores are unchanged; Spark keeps GX's own functions.
"""

from __future__ import annotations

import logging
from typing import Any, Optional

from great_expectations.constants import MAX_RESULT_RECORDS
from great_expectations.core.metric_domain_types import MetricDomainTypes
from great_expectations.execution_engine import SqlAlchemyExecutionEngine
from great_expectations.expectations.metrics.metric_provider import metric_value
from great_expectations.expectations.metrics.query_metric_provider import QueryMetricProvider
from great_expectations.expectations.metrics.query_metrics.query_row_count.unexpected_rows_query_row_count import (
    UnexpectedRowsQueryRowCount,
)
from great_expectations.expectations.metrics.query_metrics.query_table.unexpected_rows_query_table import (
    UnexpectedRowsQueryTable,
)
from great_expectations.validator.metric_configuration import MetricConfiguration

ROWS = "nbadq.unexpected_rows_query.rows"
QUERY = "unexpected_rows_query"


class UnexpectedRowsQueryRows(QueryMetricProvider):
    """Every row of the rule's query, `{batch}` substituted exactly as GX's own two metrics do."""

    metric_name = ROWS
    value_keys = (QUERY,)
    query_param_name = QUERY

    @metric_value(engine=SqlAlchemyExecutionEngine)
    def _sqlalchemy(cls, execution_engine: SqlAlchemyExecutionEngine, metric_domain_kwargs: dict,
                    metric_value_kwargs: dict, metrics: dict[str, Any], runtime_configuration: dict) -> list[dict]:
        batch, _, _ = execution_engine.get_compute_domain(metric_domain_kwargs, domain_type=MetricDomainTypes.TABLE)
        query = cls._get_substituted_batch_subquery_from_query_and_batch_selectable(
            query=cls._get_query_from_metric_value_kwargs(metric_value_kwargs),
            batch_selectable=batch,
            execution_engine=execution_engine,
        )
        return cls._get_sqlalchemy_records_from_substituted_batch_subquery(
            substituted_batch_subquery=query, execution_engine=execution_engine, fetch_all=True)


class _ReadsRows:
    """Mixed into GX's two metrics: on SQL engines they depend on ROWS (computed once) instead of their own query."""

    @classmethod
    def _get_evaluation_dependencies(cls, metric: MetricConfiguration, configuration: Optional[Any] = None,
                                     execution_engine: Optional[Any] = None,
                                     runtime_configuration: Optional[dict] = None) -> dict:
        dependencies = super()._get_evaluation_dependencies(metric, configuration, execution_engine,
                                                            runtime_configuration)
        if not isinstance(execution_engine, SqlAlchemyExecutionEngine):
            return dependencies
        rows = MetricConfiguration(metric_name=ROWS, metric_domain_kwargs=metric.metric_domain_kwargs,
                                   metric_value_kwargs={QUERY: metric.metric_value_kwargs[QUERY]})
        return {**dependencies, "rows": rows}


class _ExpectedOverride(logging.Filter):
    """GX logs a warning when a metric's provider is replaced; replacing these two is this module's purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "registered with different metric_provider" not in record.getMessage()


_REGISTRY_LOG = logging.getLogger("great_expectations.expectations.registry")
_QUIET = _ExpectedOverride()
_REGISTRY_LOG.addFilter(_QUIET)  # removed at the end of this module, once both classes are registered


class RowCountFromRows(_ReadsRows, UnexpectedRowsQueryRowCount):
    """`unexpected_rows_query.row_count`: the number of rows, as COUNT(*) over the query gave it."""

    @metric_value(engine=SqlAlchemyExecutionEngine)
    def _sqlalchemy(cls, execution_engine: SqlAlchemyExecutionEngine, metric_domain_kwargs: dict,
                    metric_value_kwargs: dict, metrics: dict[str, Any], runtime_configuration: dict) -> int:
        return len(metrics["rows"])


class TableFromRows(_ReadsRows, UnexpectedRowsQueryTable):
    """`unexpected_rows_query.table`: the first 200 rows (GX's cap, MAX_RESULT_RECORDS), as fetchmany gave them."""

    @metric_value(engine=SqlAlchemyExecutionEngine)
    def _sqlalchemy(cls, execution_engine: SqlAlchemyExecutionEngine, metric_domain_kwargs: dict,
                    metric_value_kwargs: dict, metrics: dict[str, Any], runtime_configuration: dict) -> list[dict]:
        return metrics["rows"][:MAX_RESULT_RECORDS]


_REGISTRY_LOG.removeFilter(_QUIET)
