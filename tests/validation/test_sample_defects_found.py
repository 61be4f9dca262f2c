"""The sample's injected defects, found exactly: nbadq validate's failing dates per rule equal the manifest's,
and an independent hand-written SQL pass (bench/handwritten.py) finds the same dates."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from nbadq.sample.build import build_sample
from nbadq.validation import run_checkpoint
from nbadq.warehouse.local import open_connection

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from handwritten import failing_dates  # noqa: E402


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample") / "warehouse"
    manifest = build_sample(out, [2024, 2025], seed=3)
    return out, manifest


def _by_rule(doc):
    found: dict[str, set[str]] = {}
    for layer in doc["layers"].values():
        for e in layer["expectations"]:
            found.setdefault(e["rule"], set()).update(e["failing_dates"])
    return {rule: sorted(days) for rule, days in found.items()}


def test_every_injected_defect_is_found_exactly(sample):
    out, manifest = sample
    doc = run_checkpoint(str(out), "nightly")
    found = _by_rule(doc)
    expected = manifest["expected_failing_dates"]
    assert {rule: found[rule] for rule in expected} == expected
    assert sum(map(len, expected.values())) > 30  # the sample really is broken in many places
    coverage = next(e for e in doc["layers"]["precompute"]["expectations"] if e["rule"] == "precompute.coverage")
    assert coverage["observed_value"] == pytest.approx(manifest["expected_coverage"], abs=1e-6)
    assert doc["success"] is False


def test_hand_written_sql_agrees(sample):
    out, manifest = sample
    conn = open_connection(out)
    try:
        hand = failing_dates(conn)
    finally:
        conn.close()
    assert hand == {rule: days for rule, days in manifest["expected_failing_dates"].items() if days}
