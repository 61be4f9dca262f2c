"""Whether a date a defect touched is off its history: what the volume_vs_history rules must then report.

A defect knows what it did to its dates; whether the rules see it also depends on the history around the date (a
date with fewer than 7 previous game dates is not judged, a share needs 50 rows). This answers from the tables as
they are when the defect is injected, per the rules' definition: the average of the measure over the previous 28
game dates of the season (processable ones for Phase 4) that have rows; rows per game under 70% of it, or a share
more than 10 points above it, fails.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

from nbadq.calendar import season_year_of
from nbadq.sample.truth import Truth

PGS = "nba_analytics.player_game_summary"
PCF = "nba_precompute.player_composite_factors"
HISTORY_DATES = 28
MIN_HISTORY = 7
MIN_SHARE_ROWS = 50
ROWS_FLOOR = 0.70
SHARE_MARGIN = 0.10
PLAYED = "COALESCE(is_dnp, 0) = 0"  # is_dnp IS NOT TRUE
ROWS_PER_GAME = ("1.0 * COUNT(*) / NULLIF(COUNT(DISTINCT game_id), 0)", "COUNT(*)")


def played_share(condition: str) -> tuple[str, str]:
    """(value, rows behind it) of the share of player_game_summary's played rows matching `condition`."""
    return f"1.0 * SUM({PLAYED} AND {condition}) / NULLIF(SUM({PLAYED}), 0)", f"SUM({PLAYED})"


def table_share(condition: str) -> tuple[str, str]:
    """(value, rows behind it) of the share of a table's rows matching `condition`."""
    return f"1.0 * SUM({condition}) / NULLIF(COUNT(*), 0)", "COUNT(*)"


def off_history(conn: sqlite3.Connection, truth: Truth, day: dt.date, table: str, measure: tuple[str, str],
                rows: bool, processable: bool = False) -> bool:
    """True when `day`'s measure of `table` (keyed on game_date) fails the rule: `rows` for rows per game."""
    value_sql, base_sql = measure

    def value(d: dt.date) -> tuple:
        return conn.execute(f"SELECT {value_sql}, {base_sql} FROM {table} WHERE game_date = ?",
                            (d.isoformat(),)).fetchone()

    previous = [d for d in truth.game_dates() if d < day and season_year_of(d) == season_year_of(day)
                and (truth.is_processable(d) or not processable)][-HISTORY_DATES:]
    past = [v for v, _ in map(value, previous) if v is not None]
    current, base = value(day)
    if current is None or len(past) < MIN_HISTORY:
        return False
    average = sum(past) / len(past)
    return current < ROWS_FLOOR * average if rows else (base >= MIN_SHARE_ROWS and current > average + SHARE_MARGIN)


def days_off_history(conn: sqlite3.Connection, truth: Truth, days: list[dt.date], table: str,
                     measure: tuple[str, str], rows: bool = False, processable: bool = False) -> list[dt.date]:
    return [d for d in days if off_history(conn, truth, d, table, measure, rows, processable)]
