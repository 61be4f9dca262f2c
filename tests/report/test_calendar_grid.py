"""Weeks x weekdays layout of the coverage calendar."""

from __future__ import annotations

from nbadq.report.calendar_grid import weeks

from .report_docs import D


def test_weeks_start_on_monday_and_blank_days_outside_the_range():
    rows = weeks(D("2024-10-22"), D("2024-11-05"))  # a Tuesday to a Tuesday
    assert [(w.monday, w.label) for w in rows] == [
        (D("2024-10-21"), "Oct 21"), (D("2024-10-28"), "Oct 28"), (D("2024-11-04"), "Nov 04")]
    assert rows[0].days[0] is None and rows[0].days[1] == D("2024-10-22")
    assert rows[2].days == (D("2024-11-04"), D("2024-11-05"), None, None, None, None, None)
    assert sum(d is not None for w in rows for d in w.days) == 15


def test_single_day_and_empty_range():
    assert [w.days for w in weeks(D("2025-01-12"), D("2025-01-12"))] == [(None,) * 6 + (D("2025-01-12"),)]
    assert weeks(D("2025-01-13"), D("2025-01-12")) == ()
