"""JUnit XML: one case per rule per layer; failures name their dates."""

from __future__ import annotations

from junitparser import Failure, JUnitXml

from nbadq.report.junit import write_junit

from .report_docs import D, realistic_layers, validate_doc as make_doc


def cases(path):
    return {(case.classname, case.name): case for suite in JUnitXml.fromfile(str(path)) for case in suite}


def failure(case) -> Failure | None:
    return next((r for r in case.result if isinstance(r, Failure)), None)


def test_one_case_per_rule_per_layer(tmp_path, validate_doc):
    out = write_junit(validate_doc, tmp_path / "junit.xml")
    xml = JUnitXml.fromfile(str(out))
    assert [suite.name for suite in xml] == [f"nbadq.nightly.{n}" for n in
                                             ("raw", "analytics", "precompute", "predictions", "grading", "reference")]
    assert (xml.tests, xml.failures, xml.errors) == (14, 7, 0)
    found = cases(out)
    assert sorted(n for (layer, n), case in found.items() if failure(case)) == [
        "analytics.duplicate_keys", "analytics.minutes_null_rate [unexpected_rows_expectation]",
        "grading.completeness", "precompute.completeness", "precompute.early_season", "predictions.completeness",
        "reference.false_zero_runs"]
    assert ("analytics", "analytics.minutes_null_rate [expect_column_values_to_not_be_null]") in found


def test_failure_message_and_text_carry_the_dates(tmp_path, validate_doc):
    found = cases(write_junit(validate_doc, tmp_path / "junit.xml"))
    dup = failure(found[("analytics", "analytics.duplicate_keys")])
    assert dup.message == "2 failing dates: 2023-11-29, 2024-01-09"
    assert dup.type == "unexpected_rows_expectation"
    assert dup.text.splitlines()[-2:] == ["2023-11-29  19 duplicate (game_id, player_lookup)",
                                          "2024-01-09  74 duplicate (game_id, player_lookup)"]
    predictions = failure(found[("predictions", "predictions.completeness")])
    assert predictions.message == ("22 failing dates: 2024-04-20, 2024-04-21, 2024-04-22, 2024-04-23, 2024-04-24, "
                                   "2024-04-25, 2024-04-26, 2024-04-27, 2024-04-28, 2024-04-29 and 12 more")
    listed = [line.split()[0] for line in predictions.text.splitlines() if line[:2] == "20"]
    assert len(listed) == 22 and listed[-1] == "2025-01-14"


def test_aggregate_failure_has_no_dates(tmp_path):
    doc = make_doc(realistic_layers(precompute_failing={}, coverage=0.5), {2024: D("2025-01-14")})
    found = cases(write_junit(doc, tmp_path / "junit.xml"))
    assert failure(found[("precompute", "precompute.coverage")]).message == (
        "failed over the whole window: observed 50% (threshold >= 80%)")
    assert failure(found[("precompute", "precompute.completeness")]) is None
