"""The whole clean season and the window, across rules. Each rule's own cases (what breaks it, on which dates, and
the near misses that pass) are its fixture in tests/rules/<layer>__<name>.py, run by tests/rules/test_rules.py."""

from __future__ import annotations

import datetime as dt

from nbadq.validation import run_checkpoint
from tests.minihouse import copy_warehouse
from tests.rules.breakers import PGS, delete, entries


def test_clean_season_passes_every_rule(clean_template, tmp_path):
    root = copy_warehouse(clean_template, tmp_path / "w")
    doc = run_checkpoint(str(root), "nightly")
    assert doc["success"] is True
    assert sorted(doc["layers"]) == ["analytics", "grading", "precompute", "predictions", "raw", "reference"]
    coverage = entries(doc, "precompute.coverage")[0]
    assert coverage["observed_value"] == 1.0
    assert [d["date"] for d in doc["calendar"]["game_dates"]] == [
        "2024-10-22", "2024-10-30", "2024-11-05", "2024-11-06", "2024-11-10", "2025-04-15", "2025-04-20"]
    assert doc["calendar"]["seasons"] == {"2024": {"opener": "2024-10-22", "opener_source": "schedule"}}


def test_window_bounds_every_rule(house):
    delete(PGS, "game_date IN ('2024-11-06', '2025-04-15')")(house)
    doc = run_checkpoint(str(house.root), "analytics", dt.date(2024, 11, 1), dt.date(2024, 12, 31))
    assert entries(doc, "analytics.completeness")[0]["failing_dates"] == ["2024-11-06"]
    assert doc["window"] == {"since": "2024-11-01", "until": "2024-12-31"}
    assert [d["date"] for d in doc["calendar"]["game_dates"]] == ["2024-11-05", "2024-11-06", "2024-11-10"]
