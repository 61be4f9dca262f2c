"""The rule spec: what an expectation's `meta` in a suite may say, as a typed model checked when the project loads.

The suites' JSON is the source of truth; this model is its contract. A misspelt key, an unknown remediation layer
or a severity other than error/warn stops every command with exit 2, naming the suite file and the expectation,
instead of silently dropping the rule from a fill plan.

    rule                "<layer>.<name>": the id users and CI see; unique in the project
    description         what must hold, in one sentence
    threshold           the limit in words; the SQL carries the same number
    severity            error (fails the run, exit 1) | warn (reported, never changes the exit code)
    remediation         the layer whose filler repairs a failing date, or null when no refill can
    dates               the rule's query returns one row per failing date (column failing_date)
    reason              template for the per-date reason, filled from the failing row's columns
    metric_query        SQL of the rule's headline figure (coverage), part of its query
    observed            the metric_query column shown as the observed value
    processor_outputs   [{processor, table, date_column}], for reference.false_zero_runs
    season_only         measured against the run's clock (raw.freshness): outside every season it is reported
                        not applicable, neither a pass nor a failure
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from nbadq.errors import UsageError
from nbadq.layers import FILL_LAYERS, LAYERS

Severity = Literal["error", "warn"]
ERROR: Severity = "error"
WARN: Severity = "warn"


class ProcessorOutput(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    processor: str
    table: str = Field(pattern=r"^nba_[a-z_]+\.[a-z0-9_]+$")
    date_column: str


class RuleMeta(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: str = Field(pattern=r"^[a-z]+\.[a-z0-9_]+$")
    description: str
    threshold: str
    severity: Severity = ERROR
    remediation: str | None = None
    dates: bool = False
    reason: str | None = None
    metric_query: str | None = None
    observed: str | None = None
    processor_outputs: tuple[ProcessorOutput, ...] | None = None
    season_only: bool = False

    @field_validator("remediation")
    @classmethod
    def _known_layer(cls, value: str | None) -> str | None:
        if value is not None and value not in FILL_LAYERS:
            raise ValueError(f"must be one of {', '.join(FILL_LAYERS)} or null, not {value!r}")
        return value

    @field_validator("rule")
    @classmethod
    def _layer_prefix(cls, value: str) -> str:
        layer = value.split(".", 1)[0]
        if layer not in LAYERS:
            raise ValueError(f"must start with a layer ({', '.join(LAYERS)}), not {layer!r}")
        return value


def parse_meta(meta: object, where: str) -> RuleMeta:
    """The typed meta of one expectation; `where` names the suite file and expectation for the error line."""
    try:
        return RuleMeta.model_validate(meta)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "meta"
        what = "unknown key" if first["type"] == "extra_forbidden" else first["msg"]
        more = f" (+{exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise UsageError(f"{where}: meta.{field}: {what}{more}") from None
