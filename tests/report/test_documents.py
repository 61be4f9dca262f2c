"""Malformed documents become one-line errors naming the place in the document."""

from __future__ import annotations

import pytest

from nbadq.errors import UsageError
from nbadq.report.documents import check_fill_doc, check_validate_doc, load_json


@pytest.mark.parametrize("breaks, message", [
    (lambda d: d.pop("layers"), "layers: expected dict, found nothing"),
    (lambda d: d["layers"]["raw"].pop("success"), "layers.raw.success: expected bool, found nothing"),
    (lambda d: d["layers"]["grading"]["failing_dates"].append("2024-13-01"),
     "layers.grading.failing_dates: '2024-13-01' is not a date (expected YYYY-MM-DD)"),
    (lambda d: d["layers"]["analytics"]["expectations"][1].pop("rule"),
     "layers.analytics.expectations[1].rule: expected str, found nothing"),
    (lambda d: d["calendar"]["game_dates"][3].update(processable="yes"),
     "calendar.game_dates[3].processable: expected bool, found str"),
    (lambda d: d["calendar"]["game_dates"][0].update(season_year=True),
     "calendar.game_dates[0].season_year: expected int, found bool"),
    (lambda d: d["calendar"]["seasons"].update({"24": {"opener": "2024-10-22"}}),
     "calendar.seasons key '24': expected a season year such as \"2024\""),
    (lambda d: d["window"].update(since="yesterday"), "window.since: 'yesterday' is not a date (expected YYYY-MM-DD)"),
])
def test_validate_doc_problems(validate_doc, breaks, message):
    breaks(validate_doc)
    with pytest.raises(UsageError) as caught:
        check_validate_doc(validate_doc)
    assert str(caught.value) == message


@pytest.mark.parametrize("breaks, message", [
    (lambda d: d["outcomes"]["precompute"]["2024-01-05"].update(status="ok"),
     "outcomes.precompute.2024-01-05.status is 'ok', expected one of filled, silent_failure, failed, not_sent"),
    (lambda d: d["planned"].update(analytics="2024-11-12"), "planned.analytics: expected list, found str"),
    (lambda d: d.pop("outcomes"), "outcomes: expected dict, found nothing"),
])
def test_fill_doc_problems(fill_doc, breaks, message):
    breaks(fill_doc)
    with pytest.raises(UsageError) as caught:
        check_fill_doc(fill_doc)
    assert str(caught.value) == message


def test_good_documents_pass(validate_doc, fill_doc):
    check_validate_doc(validate_doc)
    check_fill_doc(fill_doc)


def test_load_json_errors(tmp_path):
    with pytest.raises(UsageError, match=r"^--from-json .*missing.json: no such file$"):
        load_json(tmp_path / "missing.json", "--from-json")
    (tmp_path / "bad.json").write_text('{"success": true,\n  oops}')
    with pytest.raises(UsageError, match=r"bad.json: not JSON \(line 2, column 3: Expecting property name"):
        load_json(tmp_path / "bad.json", "--from-json")
    (tmp_path / "list.json").write_text("[]")
    with pytest.raises(UsageError, match=r"list.json: expected a JSON object, found list$"):
        load_json(tmp_path / "list.json", "--from-json")
