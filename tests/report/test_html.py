"""The HTML report: self-contained (no URL outside the page), escaped, and drawing what the model says."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from nbadq.errors import UsageError
from nbadq.report import write_report
from nbadq.report.html import render_report

from .report_docs import D, expectation, layer, validate_doc as make_doc

# Any way a page can make a browser fetch something: attributes that load, CSS url()/@import, srcset.
LOADING_ATTRS = ("src", "href", "srcset", "action", "data", "poster", "background", "formaction", "xlink:href")


class Elements(HTMLParser):
    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def cells(self) -> list[dict[str, str]]:
        return [a for t, a in self.tags if t == "td" and "data-date" in a]


def external_references(html: str) -> list[str]:
    """Everything in the page that could make a browser leave it; in-page anchors (#id) are fine."""
    found = [f"{tag} {name}={value}" for tag, attrs in Elements(html).tags for name, value in attrs.items()
             if name in LOADING_ATTRS and not value.startswith("#")]
    found += re.findall(r"url\s*\(|@import|https?://|<script|<link|<iframe|<object|<embed", html, re.IGNORECASE)
    return found


def test_report_has_no_external_reference(validate_doc, fill_doc):
    html = render_report(validate_doc, fill_doc)
    assert external_references(html) == []
    assert html.startswith("<!doctype html>") and "<style>" in html


def test_the_check_catches_external_references():
    """The check above must be able to fail."""
    page = ('<img src="x.png"><a href="https://example.invalid/">x</a><a href="#ok">ok</a>'
            '<style>b{background:url(a.png)}</style><script src="//cdn.invalid/x.js"></script>')
    assert external_references(page) == ["img src=x.png", "a href=https://example.invalid/",
                                         "script src=//cdn.invalid/x.js", "https://", "url(", "<script"]


def test_document_text_is_escaped(validate_doc):
    rule = validate_doc["layers"]["raw"]["expectations"][0]
    rule["description"] = "Counts <script>alert('x')</script> rows."
    rule.update(success=False, failing_dates=["2024-11-12"], reasons={"2024-11-12": '"><img src=x onerror=alert(1)>'})
    validate_doc["layers"]["raw"].update(success=False, failing_dates=["2024-11-12"])
    html = render_report(validate_doc)
    assert "<script" not in html and "<img" not in html
    assert "Counts &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; rows." in html
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    title = next(c["title"] for c in Elements(html).cells() if c["title"].startswith("Tue 2024-11-12 · raw"))
    assert title.endswith('raw.gamebook_completeness: "><img src=x onerror=alert(1)>\n2024-25 day 21 · 6 games')


def test_one_cell_per_day_per_layer_with_its_status(validate_doc):
    cells = Elements(render_report(validate_doc)).cells()
    assert len(cells) == (85 + 237) * 6
    by_title = {c["title"].split("\n")[0]: c for c in cells}
    assert by_title["Fri 2024-10-25 · precompute"]["class"] == "failing"
    assert by_title["Mon 2024-11-04 · precompute"]["class"] == "bootstrap"
    assert by_title["Tue 2024-11-05 · precompute"]["class"] == "passing"
    assert by_title["Thu 2024-11-28 · grading"]["class"] == "no-games"
    statuses = [c["class"] for c in cells]
    # no games: 2 days in 2024-25 (Thanksgiving, Dec 24) and 19 in 2023-24 (those two, 6 All-Star days,
    # Apr 14 and 19, 9 playoff rest days), in each of 6 layers; bootstrap: 14 days x 2 seasons x 2 layers, less
    # 2024-10-25 which fails; failing: 3 + 4 + 22 + 55 + 3 per layer; passing: the remaining 1,932 - 268.
    assert {s: statuses.count(s) for s in set(statuses)} == {
        "no-games": 21 * 6, "bootstrap": 14 * 2 * 2 - 1, "failing": 87, "passing": 1664}


def test_fill_marks_cells_and_lists_what_it_did_not_fix(validate_doc, fill_doc):
    html = render_report(validate_doc, fill_doc)
    fills = [(c["data-date"], c["data-fill"]) for c in Elements(html).cells() if "data-fill" in c]
    assert len(fills) == 33
    assert ("2024-01-05", "silent_failure") in fills and ("2024-11-12", "filled") in fills
    problems = re.search(r'<table class="grid fill-problems">.*?</table>', html, re.S).group(0)
    assert re.findall(r"<time>([\d-]+)</time></td><td>(\w+)</td><td><span class=\"pill \w+\">([\w ]+)</span>",
                      problems) == [("2024-01-05", "precompute", "silent failure"),
                                    ("2024-01-06", "precompute", "failed"),
                                    ("2025-01-14", "precompute", "not sent")]
    assert "Not fixed by the fill (3)" in html and "Refilled dates (30)" in html


def test_rule_table_shows_first_dates_and_keeps_the_rest_in_details(validate_doc):
    html = render_report(validate_doc)
    grading = re.search(r'<tr id="rule-grading-0".*?</tr>', html, re.S).group(0)
    visible, hidden = grading.split("<details>")
    assert len(re.findall(r"<time>", visible)) == 20
    assert len(re.findall(r"<time>", hidden)) == 55
    assert "all 55 dates (35 more)" in hidden
    assert "<time>2024-11-05</time><span class=\"reason\">0 of about 1,900 predictions graded</span>" in visible


def test_banner_and_latest_game_date(validate_doc):
    html = render_report(validate_doc)
    assert '<div class="verdict">FAIL</div>' in html
    assert "5 of 6 layers failing" in html and "86 dates failing in at least one layer" in html
    assert "Latest game date Tue 2025-01-14: failing in precompute, predictions</div>" in html


def test_passing_report_says_so():
    doc = make_doc({"raw": layer(expectation("raw.gamebook_completeness"))}, {2024: D("2024-11-30")})
    html = render_report(doc)
    assert '<div class="verdict">PASS</div>' in html and "All 1 layer passed every rule." in html
    assert "passing in every layer" in html


def test_empty_calendar_says_there_is_nothing_to_draw():
    html = render_report(make_doc({"raw": layer(expectation("raw.gamebook_completeness"))}, {}))
    assert "No game dates in the validated window." in html


def test_write_report_writes_atomically_and_nothing_on_bad_input(tmp_path, validate_doc):
    out = tmp_path / "deep" / "report.html"
    assert write_report(validate_doc, None, out) == out
    assert out.read_text().startswith("<!doctype html>")
    out.write_text("previous report")
    validate_doc["layers"]["raw"].pop("success")
    with pytest.raises(UsageError):
        write_report(validate_doc, None, out)
    assert out.read_text() == "previous report"
    assert sorted(p.name for p in out.parent.iterdir()) == ["report.html"]


def test_a_blocked_upstream_date_is_counted_ringed_and_listed(validate_doc, fill_doc):
    fill_doc["outcomes"]["precompute"]["2024-01-11"] = {"status": "blocked_upstream", "attempts": 1,
                                                        "last_http_status": 503}
    html = render_report(validate_doc, fill_doc)
    assert '<span class="pill fail">1 blocked upstream</span>' in html
    assert ("2024-01-11", "blocked_upstream") in [(c["data-date"], c["data-fill"]) for c in Elements(html).cells()
                                                  if "data-fill" in c]
    row = re.search(r'<tr data-layer="precompute">.*?</tr>', html, re.S).group(0)
    # planned, filled (one filled date became blocked), silent failure, failed, not sent, blocked upstream
    assert re.findall(r'<td class="num">(\d+)</td>', row)[:6] == ["31", "27", "1", "1", "1", "1"]
    problems = re.search(r'<table class="grid fill-problems">.*?</table>', html, re.S).group(0)
    assert '<time>2024-01-11</time></td><td>precompute</td><td><span class="pill fail">blocked upstream</span>' \
        in problems
