"""The manifest says exactly what every rule finds: checked with the independent oracle (tests/sample/oracle.py)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from nbadq.sample.build import build_sample
from tests.sample.oracle import Calendar, Warehouse, aggregates, failing_dates, season_of, suite_date_rules

REMEDIABLE = ("analytics.completeness", "analytics.minutes_null_rate", "precompute.completeness",
              "predictions.completeness", "grading.completeness")


def test_one_season_manifest_matches_the_oracle(one_season):
    root, manifest = one_season
    assert sorted(manifest["expected_failing_dates"]) == sorted(suite_date_rules())
    assert failing_dates(root) == manifest["expected_failing_dates"]
    found = aggregates(root)
    assert found["precompute.coverage"] == pytest.approx(manifest["expected_coverage"], abs=1e-12)
    assert found["analytics.minutes_null_rate"] == pytest.approx(manifest["minutes_null_rate"], abs=1e-12)


def test_default_sample_fails_every_remediable_rule_with_modest_counts(one_season):
    _, manifest = one_season
    expected = manifest["expected_failing_dates"]
    assert all(expected[rule] for rule in REMEDIABLE)
    # The sample's defects break (at least) the twelve dated rules they were first written for; a rule added since
    # needs no sample defect (its fixture in tests/rules breaks it) and may expect [] here.
    assert sum(bool(days) for days in expected.values()) >= 12
    assert 20 <= len(expected["precompute.completeness"]) <= 45
    assert len(expected["reference.false_zero_runs"]) == 10
    kinds = [d["kind"] for d in manifest["defects"]]
    assert len(kinds) == len(set(kinds)) == 34
    assert all(d["dates"] == sorted(d["dates"]) and d["dates"] for d in manifest["defects"])


def test_bootstrap_dates_without_phase4_are_injected_but_not_failures(one_season):
    _, manifest = one_season
    missing = next(d for d in manifest["defects"] if d["kind"] == "missing_phase4")
    bootstrap = [d for d in missing["dates"] if d < "2024-11-05"]  # season day 14 of 2024-25
    assert len(bootstrap) == 2
    assert not set(bootstrap) & set(manifest["expected_failing_dates"]["precompute.completeness"])


def test_five_seasons_manifest_matches_the_oracle(tmp_path):
    """The default sample (2021-2025, seed 7): built once, the slowest test of the package (~25 s)."""
    root = tmp_path / "warehouse"
    doc = build_sample(root, [2021, 2022, 2023, 2024, 2025], 7)
    assert json.loads((root / "nbadq_sample.json").read_text()) == json.loads(json.dumps(doc))
    assert failing_dates(root) == doc["expected_failing_dates"]
    found = aggregates(root)
    assert found["precompute.coverage"] == pytest.approx(doc["expected_coverage"], abs=1e-12)
    assert doc["expected_coverage"] >= 0.8 and doc["coverage"]["by_season"]["2024"]["value"] < 0.8
    assert doc["openers"] == {"2021": "2021-10-19", "2022": "2022-10-18", "2023": "2023-10-24",
                              "2024": "2024-10-22", "2025": "2025-10-21"}
    assert sum(bool(days) for days in doc["expected_failing_dates"].values()) >= 12
    # The volume_vs_history rules read 56 days before --since: 28 game dates of a season span at most 47 (Finals).
    days = [dt.date.fromisoformat(d) for d in Calendar(Warehouse(root)).game_dates()]
    assert max((d - days[i - 28]).days for i, d in enumerate(days)
               if i >= 28 and season_of(days[i - 28].isoformat()) == season_of(d.isoformat())) == 47
