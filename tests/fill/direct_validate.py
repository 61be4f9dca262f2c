"""A validate document built with the direct engine (the rules' own SQL, no Great Expectations), for fill tests.

`nbadq fill` validates through `nbadq.validation.run_checkpoint`, which costs seconds per run (Great Expectations).
Most fill tests are about what happens between the two validations, so they validate with the same rules run
directly: the dated rules' failing dates are exact; aggregate rules (no dates) count as passing. The end-to-end
subprocess tests use the real checkpoint.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from nbadq import game_dates
from nbadq.config import load_settings, project_root
from nbadq.rules.project import load_project
from nbadq.rules.window import Window
from nbadq.validation import direct
from nbadq.warehouse import open_warehouse


def direct_checkpoint(warehouse: str | None, checkpoint: str = "nightly", since: dt.date | None = None,
                      until: dt.date | None = None) -> dict[str, Any]:
    project = load_project(project_root())
    wh = open_warehouse(load_settings(warehouse))
    game_dates.refresh(wh)
    window = Window(since, until)
    layers = {}
    for name in project.checkpoint_layers(checkpoint):
        layer = project.layers[name]
        entries = []
        for exp in layer.expectations:
            days = [r["failing_date"] for r in direct.failing_rows(wh, layer, exp, window)] if exp.dated else []
            entries.append({"rule": exp.rule, "expectation_type": exp.type, "severity": exp.severity,
                            "success": not days, "observed_value": len(days), "observed_unit": "count",
                            "failing_dates": days, "remediation": exp.remediation,
                            "description": "", "threshold": None, "reasons": {}})
        # As nbadq/validation/document.py (schemas/validate.schema.json): only error rules fail a layer.
        failing = sorted({d for e in entries if e["severity"] == "error" for d in e["failing_dates"]})
        warning = sorted({d for e in entries if e["severity"] != "error" for d in e["failing_dates"]})
        layers[name] = {"success": not failing, "failing_dates": failing, "warning_dates": warning,
                        "expectations": entries}
    rows = game_dates.read(wh, since, until)
    calendar = {
        "seasons": {str(r["season_year"]): {"opener": r["opener"], "opener_source": r["opener_source"]} for r in rows},
        "game_dates": [{"date": r["game_date"], "season_year": r["season_year"], "season_day": r["season_day"],
                        "expected_games": r["expected_games"], "processable": r["is_processable"]} for r in rows],
    }
    return {"success": all(body["success"] for body in layers.values()), "checkpoint": checkpoint,
            "warehouse": str(warehouse), "window": window.as_json(), "generated_at": dt.datetime.now().isoformat(),
            "layers": layers, "calendar": calendar}


def write_validate_doc(warehouse: Path, out: Path) -> dict[str, Any]:
    doc = direct_checkpoint(str(warehouse))
    out.write_text(json.dumps(doc), encoding="utf-8")
    return doc
