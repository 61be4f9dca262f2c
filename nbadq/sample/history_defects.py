"""Incidents only a comparison with the previous weeks can see (the volume_vs_history rules)."""

from __future__ import annotations

import sqlite3

from nbadq.sample.defect_plan import DatePicker, Defect, Plan
from nbadq.sample.history import PGS, days_off_history, played_share
from nbadq.sample.truth import Truth

PLAYERS_SHORT = 0.90  # precompute.player_reconciliation: composite players >= 90% of played players


def dnp_written_as_played(conn: sqlite3.Connection, truth: Truth, picker: DatePicker, plan: Plan) -> Defect:
    """Phase 3 wrote a date's DNP players as played rows with zeros (is_dnp unset: FALSE, 0 minutes, 0 points, 0
    usage and +/-): every value is in bounds, so only the zero shares, far above the previous weeks', show it.
    Phase 4 ran before, so its players now fall short of the played ones (precompute.player_reconciliation)."""
    dates = [d for s in plan.seasons for d in truth.dates(s, min_games=3)]
    (day,) = picker.pick(1, dates)
    conn.execute(f"UPDATE {PGS} SET is_dnp = 0, minutes_played = 0, points = 0, usage_rate = 0, plus_minus = 0 "
                 "WHERE game_date = ? AND is_dnp = 1", (day.isoformat(),))
    fails = {"analytics.volume_vs_history": days_off_history(conn, truth, [day], PGS, played_share("points = 0"))}
    assert fails["analytics.volume_vs_history"], day  # a processable date of 3+ games has the history and rows
    if _composite_short(conn, day.isoformat()):
        fails["precompute.player_reconciliation"] = [day]
    return Defect("dnp_written_as_played", "DNP players written as played rows with 0 minutes and 0 points "
                  "(is_dnp unset)", [day], fails)


def _composite_short(conn: sqlite3.Connection, day: str) -> bool:
    """Whether the date's composite-factor players are now under 90% of its played players."""
    (composite,) = conn.execute("SELECT COUNT(DISTINCT player_lookup) FROM nba_precompute.player_composite_factors "
                                "WHERE game_date = ?", (day,)).fetchone()
    (played,) = conn.execute(f"SELECT COUNT(DISTINCT player_lookup) FROM {PGS} WHERE game_date = ? AND is_dnp = 0",
                             (day,)).fetchone()
    return bool(composite) and composite < PLAYERS_SHORT * played
