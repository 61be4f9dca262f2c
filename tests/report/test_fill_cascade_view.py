"""The report draws the last fill's cascade steps (re-run because an upstream date was refilled) apart from the
dates it refilled because they failed, and says why in the hover text."""

from __future__ import annotations

from nbadq.report.documents import check_fill_doc
from nbadq.report.fill_view import fill_view
from nbadq.report.html import render_report

from .test_html import Elements


def _with_cascade(fill_doc: dict) -> dict:
    doc = dict(fill_doc)
    doc["cascade"] = True
    doc["steps"] = {
        "analytics": {d: {"reasons": ["failing: analytics.completeness"], "cascade": False}
                      for d in fill_doc["outcomes"]["analytics"]},
        "precompute": {d: ({"reasons": ["cascade: analytics 2023-12-28"], "cascade": True} if d == "2024-01-12"
                           else {"reasons": ["failing: precompute.completeness"], "cascade": False})
                       for d in fill_doc["outcomes"]["precompute"]},
    }
    doc["not_planned"] = {"predictions": {"no filler configured": ["2024-01-12"]}}
    return doc


def test_cascade_steps_are_marked_and_explained(validate_doc, fill_doc):
    doc = _with_cascade(fill_doc)
    check_fill_doc(doc)  # the schema accepts what fill writes

    cells = Elements(render_report(validate_doc, doc)).cells()

    marked = [(c["title"].split("\n")[0], c["data-fill"]) for c in cells if "data-cascade" in c]
    assert marked == [("Fri 2024-01-12 · precompute", "filled")]
    title = next(c["title"] for c in cells if "data-cascade" in c)
    assert title.splitlines()[-1] == "cascade: analytics 2023-12-28"
    assert [o.date.isoformat() for o in fill_view(doc).outcomes if o.cascade] == ["2024-01-12"]


def test_a_fill_written_before_the_step_graph_has_no_cascade_steps(validate_doc, fill_doc):
    check_fill_doc(fill_doc)
    assert not any("data-cascade" in c for c in Elements(render_report(validate_doc, fill_doc)).cells())
    assert not any(o.cascade for o in fill_view(fill_doc).outcomes)
