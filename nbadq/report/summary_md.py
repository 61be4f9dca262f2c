"""A short Markdown summary for a CI step summary: the verdict, then a table per layer.

Each failing rule shows its first few dates; the HTML report and the JUnit file have the rest. Warn-severity rules
that fail are listed again in their own "Warnings" section: reported, never failing the run.
"""

from __future__ import annotations

from pathlib import Path

from nbadq.report.documents import check_validate_doc
from nbadq.report.formatting import first_dates, plural, weekday_date
from nbadq.report.model import latest_game_date
from nbadq.files import write_text_atomic
from nbadq.report.results import LayerResult, RuleResult, layer_results

SUMMARY_DATES = 5  # dates per failing rule in the table
PASS, FAIL, WARN, NOT_APPLICABLE = "✅", "❌", "⚠️", "➖"
STATUS_CELLS = {"pass": f"{PASS} pass", "FAIL": f"{FAIL} fail", "WARN": f"{WARN} warn",
                "N/A": f"{NOT_APPLICABLE} n/a"}


def summary_markdown(validate_doc: dict) -> str:
    check_validate_doc(validate_doc)
    layers = layer_results(validate_doc)
    lines = [_headline(validate_doc, layers), "", _context(validate_doc, layers)]
    lines += _warnings(layers)
    for layer in layers:
        lines += ["", *_layer_table(layer)]
    return "\n".join(lines) + "\n"


def write_summary(validate_doc: dict, out: Path | str) -> Path:
    """Write the Markdown summary atomically; returns the path. A bad document raises UsageError."""
    return write_text_atomic(out, summary_markdown(validate_doc))


def _headline(doc: dict, layers: tuple[LayerResult, ...]) -> str:
    checkpoint = doc.get("checkpoint") or "checkpoint"
    failing = [layer for layer in layers if not layer.success]
    warned = sum(len(layer.warning_rules) for layer in layers)
    if doc["success"]:
        note = f" ({plural(warned, 'warning')})" if warned else ""
        return f"## {PASS} nbadq {checkpoint}: all {plural(len(layers), 'layer')} passing{note}"
    return f"## {FAIL} nbadq {checkpoint}: {len(failing)} of {plural(len(layers), 'layer')} failing"


def _context(doc: dict, layers: tuple[LayerResult, ...]) -> str:
    window = doc.get("window") or {}
    parts = [f"Warehouse `{doc.get('warehouse', '?')}`",
             f"window {window.get('since') or 'start'} → {window.get('until') or 'latest'}",
             f"validated {doc.get('generated_at', '?')}"]
    latest = latest_game_date(doc, layers)
    if latest:
        verdict = f"failing in {', '.join(latest.failing_layers)}" if latest.failing_layers else "passing"
        parts.append(f"latest game date {weekday_date(latest.date)}: {verdict}")
    return " · ".join(parts)


def _layer_table(layer: LayerResult) -> list[str]:
    bad, warned = layer.failing_rules, layer.warning_rules
    if layer.success and warned:
        heading = f"### {PASS} {layer.name}: passing, {len(warned)} of {plural(len(layer.rules), 'rule')} warning"
    elif layer.success:
        heading = f"### {PASS} {layer.name}: {plural(len(layer.rules), 'rule')} passing"
    else:
        heading = (f"### {FAIL} {layer.name}: {len(bad)} of {plural(len(layer.rules), 'rule')} failing, "
                   f"{plural(len(layer.failing_dates), 'date')}" + (f", {plural(len(warned), 'warning')}"
                                                                     if warned else ""))
    rows = ["| rule | status | observed | threshold | first failing dates |", "| --- | --- | --- | --- | --- |"]
    rows += [_row(rule) for rule in sorted(layer.rules, key=lambda r: r.rank)]
    return [heading, "", *rows]


def _warnings(layers: tuple[LayerResult, ...]) -> list[str]:
    """Warn-severity rules that failed, each with its dates: their own section, so they are read, not missed."""
    warned = [rule for layer in layers for rule in layer.warning_rules]
    if not warned:
        return []
    lines = ["", f"### {WARN} Warnings ({len(warned)}): reported, not failing the run", ""]
    for rule in warned:
        what = f"{plural(len(rule.failing_dates), 'date')}: {_dates(rule)}" if rule.failing_dates else \
            f"whole window, observed {rule.observed}"
        lines.append(_cell(f"- `{rule.name}` ({rule.layer}): {what}"))
    return lines


def _row(rule: RuleResult) -> str:
    status = STATUS_CELLS[rule.status]
    observed = rule.not_applicable or rule.observed  # why it was not measured, in place of a measurement
    cells = [f"`{rule.name}`", status, observed, rule.threshold or "—", _dates(rule)]
    return "| " + " | ".join(_cell(c) for c in cells) + " |"


def _dates(rule: RuleResult) -> str:
    if rule.success:
        return ""
    if not rule.failing_dates:
        return "whole window"
    shown, rest = first_dates(rule.failing_dates, SUMMARY_DATES)
    return ", ".join(map(str, shown)) + (f" (+{rest} more)" if rest else "")


def _cell(text: str) -> str:
    """Keep one table row on one line, and a '|' in a threshold from splitting a cell."""
    return text.replace("\n", " ").replace("|", "\\|")
