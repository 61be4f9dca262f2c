"""Render the report as one self-contained HTML file: inline CSS, no script, no URL outside the page.

Jinja2 with autoescape on: rule descriptions, reasons and thresholds come from documents and are never markup.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import jinja2

from nbadq import __version__
from nbadq.report.calendar_grid import WEEKDAY_LETTERS
from nbadq.report.coverage import STATUSES
from nbadq.report.fill_view import STATUS_LABELS
from nbadq.report.formatting import FIRST_DATES, first_dates, percent, plural, weekday_date
from nbadq.report.model import build_report
from nbadq.files import write_text_atomic

TEMPLATES = Path(__file__).parent / "templates"


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,  # every template, whatever its name: nothing from a document may become markup
        undefined=jinja2.StrictUndefined,  # a typo in a template fails the tests instead of drawing blank
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(percent=percent, plural=plural, weekday_date=weekday_date, first_dates=first_dates)
    env.globals.update(weekday_letters=WEEKDAY_LETTERS, statuses=STATUSES, fill_labels=STATUS_LABELS,
                       first_n=FIRST_DATES, version=__version__)
    return env


def render_report(validate_doc: dict, fill_doc: dict | None = None) -> str:
    report = build_report(validate_doc, fill_doc)
    return environment().get_template("report.html.j2").render(r=report)


def write_report(validate_doc: dict, fill_doc: dict | None, out: Path | str) -> Path:
    """Render and write the report atomically; returns the path written. Bad documents raise UsageError."""
    return write_text_atomic(out, render_report(validate_doc, fill_doc))
