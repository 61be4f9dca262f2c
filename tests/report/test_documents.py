"""Documents are checked against the published JSON Schemas (schemas/): the first problem, in document order, is
one line naming its JSON path."""

from __future__ import annotations

import pytest

from nbadq.errors import UsageError
from nbadq.report.documents import check_fill_doc, check_validate_doc, load_json

V, F = "; see schemas/validate.schema.json", "; see schemas/fill.schema.json"


@pytest.mark.parametrize("breaks, message", [
    (lambda d: d.pop("layers"), "the document: missing key 'layers'"),
    (lambda d: d["layers"]["raw"].pop("success"), "layers.raw: missing key 'success'"),
    (lambda d: d["layers"]["grading"]["failing_dates"].append("2024-13-01"),
     "layers.grading.failing_dates[55]: '2024-13-01' is not a date (expected YYYY-MM-DD)"),
    (lambda d: d["layers"]["analytics"]["expectations"][1].pop("rule"),
     "layers.analytics.expectations[1]: missing key 'rule'"),
    (lambda d: d["layers"]["raw"]["expectations"][0].update(severity="critical"),
     "layers.raw.expectations[0].severity: 'critical' is not one of \"error\", \"warn\""),
    (lambda d: d["layers"]["raw"]["expectations"][0].update(sevrity="warn"),
     "layers.raw.expectations[0]: unknown key 'sevrity'"),
    (lambda d: d["layers"]["precompute"].pop("warning_dates"), "layers.precompute: missing key 'warning_dates'"),
    (lambda d: d["calendar"]["game_dates"][3].update(processable="yes"),
     "calendar.game_dates[3].processable: expected boolean, found string"),
    (lambda d: d["calendar"]["game_dates"][0].update(season_year=True),
     "calendar.game_dates[0].season_year: expected integer, found boolean"),
    (lambda d: d["calendar"]["seasons"].update({"24": {"opener": "2024-10-22", "opener_source": "schedule"}}),
     "calendar.seasons: key '24' does not match '^[0-9]{4}$'"),
    (lambda d: d["window"].update(since="yesterday"), "window.since: 'yesterday' is not a date (expected YYYY-MM-DD)"),
    (lambda d: d["window"].update(since="20241105"), "window.since: '20241105' is not a date (expected YYYY-MM-DD)"),
    # Two problems: the one met first reading the document is named (layers come before calendar).
    (lambda d: (d["calendar"].pop("game_dates"), d["layers"]["raw"].pop("success")),
     "layers.raw: missing key 'success'"),
])
def test_validate_doc_problems(validate_doc, breaks, message):
    breaks(validate_doc)
    with pytest.raises(UsageError) as caught:
        check_validate_doc(validate_doc)
    assert str(caught.value) == message + V


@pytest.mark.parametrize("breaks, message", [
    (lambda d: d["outcomes"]["precompute"]["2024-01-05"].update(status="ok"),
     "outcomes.precompute.2024-01-05.status: 'ok' is not one of \"filled\", \"silent_failure\", \"failed\", "
     "\"not_sent\", \"blocked_upstream\""),
    (lambda d: d["planned"].update(analytics="2024-11-12"), "planned.analytics: expected array, found string"),
    (lambda d: d.pop("outcomes"), "the document: missing key 'outcomes'"),
    (lambda d: d["outcomes"]["analytics"].update({"2024-11-1": {"status": "filled", "attempts": 1,
                                                                "last_http_status": 200}}),
     "outcomes.analytics: key '2024-11-1' is not a date (expected YYYY-MM-DD)"),
    (lambda d: d["outcomes"]["analytics"]["2024-11-12"].update(attempts=None),
     "outcomes.analytics.2024-11-12.attempts: expected integer, found null"),
    (lambda d: d["after"]["precompute"].update(coverage=87.4), "after.precompute.coverage: 87.4 is greater than the "
                                                               "maximum of 1"),
])
def test_fill_doc_problems(fill_doc, breaks, message):
    breaks(fill_doc)
    with pytest.raises(UsageError) as caught:
        check_fill_doc(fill_doc)
    assert str(caught.value) == message + F


def test_good_documents_pass(validate_doc, fill_doc):
    check_validate_doc(validate_doc)
    check_fill_doc(fill_doc)


def test_fill_statuses_are_the_schemas_and_fills_own():
    from nbadq.backfill.outcomes import STATUSES
    from nbadq.report.documents import FILL_STATUSES, validator

    enum = validator("fill").schema["$defs"]["outcome"]["properties"]["status"]["enum"]
    assert tuple(enum) == FILL_STATUSES == STATUSES


def test_severities_are_the_rule_specs():
    from typing import get_args

    from nbadq.report.documents import validator
    from nbadq.rules.spec import Severity

    enum = validator("validate").schema["$defs"]["expectation"]["properties"]["severity"]["enum"]
    assert tuple(enum) == get_args(Severity) == ("error", "warn")


def test_load_json_errors(tmp_path):
    with pytest.raises(UsageError, match=r"^--from-json .*missing.json: no such file$"):
        load_json(tmp_path / "missing.json", "--from-json")
    (tmp_path / "bad.json").write_text('{"success": true,\n  oops}')
    with pytest.raises(UsageError, match=r"bad.json: not JSON \(line 2, column 3: Expecting property name"):
        load_json(tmp_path / "bad.json", "--from-json")
    (tmp_path / "list.json").write_text("[]")
    with pytest.raises(UsageError, match=r"list.json: expected a JSON object, found list$"):
        load_json(tmp_path / "list.json", "--from-json")
