"""The sample's manifest, `<out>/nbadq_sample.json`: the seed, the defects, and what every rule must find.

`expected_failing_dates` holds, for each dated rule of the project's suites, exactly the dates the rule must
report on the whole warehouse ([] where nothing was injected). `expected_coverage` is precompute.coverage's value.
`files` maps each file the sample wrote to its sha256: the next `nbadq sample --out` over the same directory
replaces only those (see nbadq/sample/ownership.py).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any, Iterable

from nbadq.calendar import season_year_of
from nbadq.files import write_text_atomic
from nbadq.sample.defect_plan import Defect
from nbadq.sample.truth import Truth
from nbadq.schema import TABLES

MANIFEST_NAME = "nbadq_sample.json"
COVERAGE_THRESHOLD = 0.8


def date_rules() -> tuple[str, ...]:
    """The project's dated rules (their queries return failing dates), in suite order: read from the suites, so a
    new rule is in the manifest without a list to keep here."""
    from nbadq.project_files import locate
    from nbadq.rules.project import load_project

    return tuple(dict.fromkeys(e.rule for e in load_project(locate().origin).rules() if e.dated))


def expected_failing_dates(defects: Iterable[Defect]) -> dict[str, list[str]]:
    out: dict[str, set] = {rule: set() for rule in date_rules()}
    for defect in defects:
        for rule, dates in defect.fails.items():
            if rule in out:  # a project without one of the default rules does not check it
                out[rule].update(dates)
    return {rule: sorted(d.isoformat() for d in dates) for rule, dates in out.items()}


def coverage(conn: sqlite3.Connection, truth: Truth) -> dict[str, Any]:
    """Distinct composite-factor games over expected games, on processable dates (overall and per season)."""
    covered = dict(conn.execute("SELECT game_date, COUNT(DISTINCT game_id) "
                                "FROM nba_precompute.player_composite_factors GROUP BY game_date"))
    totals: dict[int, list[int]] = {}
    for day in truth.game_dates():
        if truth.is_processable(day):
            pair = totals.setdefault(season_year_of(day), [0, 0])
            pair[0] += covered.get(day.isoformat(), 0)
            pair[1] += truth.expected(day)
    got, want = sum(p[0] for p in totals.values()), sum(p[1] for p in totals.values())
    return {"value": got / want if want else 1.0, "covered_games": got, "expected_games": want,
            "by_season": {str(s): {"value": round(p[0] / p[1], 4), "covered_games": p[0], "expected_games": p[1]}
                          for s, p in sorted(totals.items())}}


def minutes_null_rate(conn: sqlite3.Connection) -> float:
    nulls, played = conn.execute("SELECT SUM(minutes_played IS NULL), COUNT(*) FROM "
                                 "nba_analytics.player_game_summary WHERE is_dnp = 0").fetchone()
    return (nulls or 0) / played if played else 0.0


def table_counts(conn: sqlite3.Connection) -> dict[str, int]:
    return {t.qualified: conn.execute(f"SELECT COUNT(*) FROM {t.qualified}").fetchone()[0] for t in TABLES}


def manifest(seed: int, seasons: list[int], defects: list[Defect], conn: sqlite3.Connection,
             truth: Truth) -> dict[str, Any]:
    cov = coverage(conn, truth)
    return {
        "seed": seed,
        "seasons": seasons,
        "openers": {str(s): d.isoformat() for s, d in sorted(truth.openers.items())},
        "game_dates": len(truth.game_dates()),
        "defects": [d.to_json() for d in defects],
        "expected_failing_dates": expected_failing_dates(defects),
        "expected_coverage": cov["value"],
        "coverage": cov,
        "coverage_fails": cov["value"] < COVERAGE_THRESHOLD,
        "minutes_null_rate": minutes_null_rate(conn),
        "tables": table_counts(conn),
    }


def write_manifest(root: Path, doc: dict[str, Any]) -> Path:
    return write_text_atomic(root / MANIFEST_NAME, json.dumps(doc, indent=2, sort_keys=True) + "\n")


def read_manifest(root: Path) -> dict[str, Any] | None:
    path = root / MANIFEST_NAME
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, NotADirectoryError, json.JSONDecodeError):
        return None
