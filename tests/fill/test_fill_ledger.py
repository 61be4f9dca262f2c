"""The ledger: one fsynced JSON line per event; a torn last line (a kill) is tolerated and never glued to."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from nbadq.backfill.ledger import Ledger, filled_dates, read_ledger
from nbadq.errors import UsageError


def test_each_line_is_on_disk_when_write_returns(tmp_path):
    path = tmp_path / "fills" / "l.jsonl"
    ledger = Ledger(path)
    ledger.write("outcome", layer="precompute", date="2024-11-05", status="filled")
    # Read through a separate file handle, before close(): nothing is buffered in the writer.
    lines = path.read_text().splitlines()
    assert len(lines) == 1
    assert json.loads(lines[0])["status"] == "filled"
    ledger.close()


def test_a_torn_last_line_is_ignored_and_the_next_run_starts_a_new_line(tmp_path):
    path = tmp_path / "l.jsonl"
    path.write_text('{"event": "outcome", "layer": "precompute", "date": "2024-11-05", "status": "filled"}\n'
                    '{"event": "outcome", "layer": "precompute", "da')  # kill -9 mid-write
    assert filled_dates(read_ledger(path)) == {("precompute", dt.date(2024, 11, 5))}

    ledger = Ledger(path)
    ledger.write("outcome", layer="precompute", date="2024-11-06", status="filled")
    ledger.close()

    assert filled_dates(read_ledger(path)) == {("precompute", dt.date(2024, 11, 5)),
                                               ("precompute", dt.date(2024, 11, 6))}
    assert path.read_text().splitlines()[1] == '{"event": "outcome", "layer": "precompute", "da'
    # A third run still reads it: the torn line is now in the middle.
    Ledger(path).close()
    assert len(read_ledger(path)) == 2


def test_a_bad_line_before_the_end_is_an_error(tmp_path):
    path = tmp_path / "l.jsonl"
    path.write_text('{"event": "run"}\n{broken\n{"event": "end"}\n')
    with pytest.raises(UsageError, match="line 2 is not JSON"):
        read_ledger(path)


def test_only_filled_outcomes_count_for_resume(tmp_path):
    records = [{"event": "attempt", "layer": "precompute", "date": "2024-11-05", "status": "filled"},
               {"event": "outcome", "layer": "precompute", "date": "2024-11-06", "status": "silent_failure"},
               {"event": "outcome", "layer": "analytics", "date": "2024-11-07", "status": "filled"}]
    assert filled_dates(records) == {("analytics", dt.date(2024, 11, 7))}


def test_a_missing_ledger_cannot_be_resumed(tmp_path):
    with pytest.raises(UsageError, match="no such ledger"):
        read_ledger(tmp_path / "nope.jsonl")


def test_steps_a_run_planned_and_never_settled_keep_their_reasons(tmp_path):
    from nbadq.backfill.ledger import filled_at, unsettled_steps

    steps = [{"layer": "analytics", "date": "2024-11-05", "reasons": ["failing: analytics.completeness"]},
             {"layer": "precompute", "date": "2024-11-06", "reasons": ["cascade: analytics 2024-11-05"]},
             {"layer": "precompute", "date": "2024-11-10", "reasons": ["cascade: analytics 2024-11-05"]}]
    records = [{"event": "run", "steps": steps},
               {"event": "outcome", "layer": "analytics", "date": "2024-11-05", "status": "filled",
                "at": "2026-11-30T13:00:01.250+00:00"},
               {"event": "outcome", "layer": "precompute", "date": "2024-11-06", "status": "not_sent"}]
    assert unsettled_steps(records) == {("precompute", dt.date(2024, 11, 10)): ("cascade: analytics 2024-11-05",)}
    assert filled_at(records) == {("analytics", dt.date(2024, 11, 5)):
                                  dt.datetime(2026, 11, 30, 13, 0, 1, 250_000, tzinfo=dt.timezone.utc)}
    # a later run planning the same step again makes it unsettled again until its own outcome
    assert unsettled_steps([*records, {"event": "run", "steps": steps[1:2]}]) == {
        ("precompute", dt.date(2024, 11, 6)): ("cascade: analytics 2024-11-05",),
        ("precompute", dt.date(2024, 11, 10)): ("cascade: analytics 2024-11-05",)}
