"""Open the report in headless Chromium, offline, and check what a person would see.

Needs Debian's `chromium` package. In CI (CI=true) its absence is a failure, since .ci/run installs it; on a
developer machine without it the test is skipped with the reason. Saves uncommitted/report-browser.png.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from nbadq.report import write_report

from .chromium import Chromium, find_chromium

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT = ROOT / "uncommitted" / "report-browser.png"

# What the page shows, measured in the browser after layout: sizes, colours, visibility.
SEEN = """(() => {
  const cells = [...document.querySelectorAll('td[data-date]')];
  const drawn = cells.filter(c => { const r = c.getBoundingClientRect(); return r.width >= 8 && r.height >= 8; });
  const cell = (title) => cells.find(c => c.title.startsWith(title));
  const style = (el) => getComputedStyle(el);
  const failing = cell('Fri 2024-10-25 · precompute');
  const reasonRow = [...document.querySelectorAll('#rules li')]
      .find(li => li.textContent.includes('2024-10-25') && li.checkVisibility());
  return {
    cells: cells.length,
    drawn: drawn.length,
    failingClass: failing.className,
    failingColour: style(failing).backgroundColor,
    failingTitle: failing.title,
    passingColour: style(cell('Tue 2024-11-05 · precompute')).backgroundColor,
    bootstrapImage: style(cell('Tue 2024-10-22 · precompute')).backgroundImage.split('(')[0],
    noGamesColour: style(cell('Thu 2024-11-28 · precompute')).backgroundColor,
    reasonVisible: reasonRow ? reasonRow.innerText : null,
    verdict: document.querySelector('.verdict').innerText,
    verdictColour: style(document.querySelector('.banner')).backgroundImage.includes('linear-gradient'),
    ringed: cells.filter(c => style(c).boxShadow !== 'none').length,
  };
})()"""


@pytest.fixture(scope="module")
def chromium() -> str:
    binary = find_chromium()
    if binary:
        return binary
    message = ("Chromium is not installed (looked for /usr/bin/chromium): install Debian's `chromium` package "
               "(apt-get install chromium); .ci/run does this in CI")
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser test cannot run in CI: {message}")
    pytest.skip(message)


def test_report_in_an_offline_browser(tmp_path, chromium, validate_doc, fill_doc):
    page_path = write_report(validate_doc, fill_doc, tmp_path / "report.html")
    url = page_path.as_uri()
    with Chromium(chromium, tmp_path / "profile") as browser:
        page = browser.open(url, width=1400)
        seen = page.evaluate(SEEN)
        page.screenshot(SCREENSHOT)
        requests = page.requests
    assert requests == [url], f"the report tried to load {requests[1:]}"
    assert seen["cells"] == (85 + 237) * 6 and seen["drawn"] == seen["cells"], json.dumps(seen)
    assert seen["failingClass"] == "failing"
    assert seen["failingColour"] == "rgb(209, 36, 47)"
    assert seen["failingTitle"].splitlines()[1:3] == [
        "FAILING", "precompute.early_season: no placeholder rows in team_defense_zone_analysis"]
    assert seen["passingColour"] == "rgb(63, 164, 91)"
    assert seen["bootstrapImage"] == "repeating-linear-gradient"
    assert seen["noGamesColour"] == "rgb(227, 230, 234)"
    assert seen["reasonVisible"] == "2024-10-25no placeholder rows in team_defense_zone_analysis"
    assert seen["verdict"] == "FAIL" and seen["verdictColour"]
    assert seen["ringed"] == 33  # the dates the last fill worked on
    assert SCREENSHOT.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and SCREENSHOT.stat().st_size > 50_000


def test_the_network_check_sees_a_page_that_reaches_out(tmp_path, chromium):
    """The request check above must be able to fail: a page loading an image from elsewhere is caught."""
    page_path = tmp_path / "leaky.html"
    page_path.write_text('<!doctype html><p>hi</p><img src="http://report-assets.invalid/logo.png">')
    with Chromium(chromium, tmp_path / "profile") as browser:
        requests = browser.open(page_path.as_uri()).requests
    assert requests == [page_path.as_uri(), "http://report-assets.invalid/logo.png"]
