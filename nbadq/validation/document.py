"""The validate JSON document: per layer, per expectation, complete failing dates, plus the calendar."""

from __future__ import annotations

import datetime as dt
from typing import Any

from nbadq.rules.project import Expectation, Layer, Project
from nbadq.rules.spec import ERROR
from nbadq.rules.window import Window
from nbadq.validation import direct, season
from nbadq.validation.gx_runner import GxOutcome
from nbadq.validation.reasons import findings_entry, reason
from nbadq.warehouse import Warehouse


def _dated(warehouse: Warehouse, layer: Layer, exp: Expectation, outcome: GxOutcome, window: Window) -> dict:
    count = outcome.result.get("observed_value") or 0
    rows = (outcome.result.get("details") or {}).get("unexpected_rows") or []
    if len(rows) < count:  # GX returns at most 200 rows; the direct engine returns them all
        rows = direct.failing_rows(warehouse, layer, exp, window)
    rows = sorted(({**r, "failing_date": direct.iso(r["failing_date"])} for r in rows),
                  key=lambda r: r["failing_date"])
    return {
        "observed_value": count,
        "observed_unit": "count",
        "failing_dates": [r["failing_date"] for r in rows],
        "reasons": {r["failing_date"]: reason(exp, r) for r in rows},
    }


def _aggregate(warehouse: Warehouse, layer: Layer, exp: Expectation, outcome: GxOutcome, window: Window) -> dict:
    observed: Any = outcome.result.get("observed_value")
    unit = None  # GX's own observed value: its unit is the expectation's
    if exp.meta.get("observed"):
        row = direct.metric(warehouse, layer, exp, window) or {}
        value = row.get(exp.meta["observed"])
        observed = round(float(value), 6) if value is not None else None
        unit = exp.meta.get("observed_unit", "ratio")
    elif "unexpected_percent" in outcome.result:
        # GX gives a percent (0-100); the JSON holds every share as a ratio in [0, 1] (the README's JSON section).
        observed = round(float(outcome.result["unexpected_percent"] or 0.0) / 100, 6)
        unit = "ratio"
    return {"observed_value": observed, "observed_unit": unit, "failing_dates": [], "reasons": {}}


def expectation_entry(warehouse: Warehouse, layer: Layer, exp: Expectation, outcome: GxOutcome,
                      window: Window) -> dict[str, Any]:
    build = _dated if exp.dated else _aggregate
    return {
        "rule": exp.rule,
        "expectation_type": exp.type,
        "severity": exp.severity,
        "success": outcome.success,
        **build(warehouse, layer, exp, outcome, window),
        **findings_entry(warehouse, layer, exp, outcome.result, window),  # rows a rule lists (bad dates)
        "remediation": exp.remediation,
        "description": exp.meta.get("description"),
        "threshold": exp.meta.get("threshold"),
    }


def _mark_not_applicable(warehouse: Warehouse, layer: Layer, window: Window, entries: list[dict]) -> None:
    """A rule measured against the clock (meta.season_only) says why it does not apply when the clock is outside
    every season: `not_applicable` with the reason, no dates (its SQL, gated on the same spans, found none)."""
    clocked = [entry for e, entry in zip(layer.expectations, entries) if e.spec.season_only]
    if not clocked or window.as_of is None:
        return
    why = season.not_applicable(window.as_of, season.spans(warehouse, window))
    if why:
        for entry in clocked:
            entry["not_applicable"] = why


def calendar_section(rows: list[dict[str, Any]]) -> dict[str, Any]:
    seasons = {str(r["season_year"]): {"opener": r["opener"], "opener_source": r["opener_source"]} for r in rows}
    days = [{"date": r["game_date"], "season_year": r["season_year"], "season_day": r["season_day"],
             "expected_games": r["expected_games"], "processable": r["is_processable"]} for r in rows]
    return {"seasons": seasons, "game_dates": days}


def build(project: Project, warehouse: Warehouse, checkpoint: str, layers: tuple[str, ...], window: Window,
          outcomes: dict[str, GxOutcome], calendar_rows: list[dict[str, Any]]) -> dict[str, Any]:
    doc_layers = {}
    for name in layers:
        layer = project.layers[name]
        entries = [expectation_entry(warehouse, layer, e, outcomes[e.id], window) for e in layer.expectations]
        _mark_not_applicable(warehouse, layer, window, entries)
        # Severity decides what fails: an `error` rule fails its layer (and the run, exit 1); a `warn` rule is
        # reported with its dates but never fails a layer, and its dates are not the layer's failing dates.
        errors = [e for e in entries if e["severity"] == ERROR]
        warnings = [e for e in entries if e["severity"] != ERROR]
        doc_layers[name] = {"success": all(e["success"] for e in errors),
                            "failing_dates": sorted({d for e in errors for d in e["failing_dates"]}),
                            "warning_dates": sorted({d for e in warnings if not e["success"]
                                                     for d in e["failing_dates"]}),
                            "expectations": entries}
    return {
        "success": all(layer["success"] for layer in doc_layers.values()),
        "checkpoint": checkpoint,
        "warehouse": warehouse.label,
        "window": window.as_json(),
        **({"as_of": window.as_of.isoformat()} if window.as_of else {}),
        "generated_at": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
        "layers": doc_layers,
        "calendar": calendar_section(calendar_rows),
    }
