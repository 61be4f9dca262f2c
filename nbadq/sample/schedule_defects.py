"""Schedule incidents (issue 10, family 8), injected into a built warehouse: a game left final without its score,
and a game whose final scrape never came (still live the morning after). Same conventions as
nbadq.sample.defects: dates drawn from the shared DatePicker, a Defect naming per rule the dates it must fail.

Neither changes E(d): the unscored game is still final, and the stuck game is live more than 6 h after its tip-off
(the sample's final scrape is at 06:00 the next morning, after a tip-off at 22:30 at the latest), so it still
counts. Only raw.schedule_integrity fails.
"""

from __future__ import annotations

import sqlite3

from nbadq.sample.defect_plan import DatePicker, Defect, Plan
from nbadq.sample.truth import Truth

SCHEDULE = "nba_raw.nbac_schedule"


def _one_game(conn: sqlite3.Connection, truth: Truth, picker: DatePicker, plan: Plan):
    (day,) = picker.pick(1, [d for s in plan.seasons for d in truth.dates(s)])
    game = picker.rng.choice(sorted(truth.games_on[day], key=lambda g: g.nba_id))
    return day, game.nba_id


def final_without_score(conn: sqlite3.Connection, truth: Truth, picker: DatePicker, plan: Plan) -> Defect:
    """The incident: a game left "Final" with NULL scores (every final scrape of it)."""
    return _rewrite_finals(conn, truth, picker, plan, "final_without_score", "home_team_score = NULL, "
                           "away_team_score = NULL", "final with NULL scores")


def stuck_live_game(conn: sqlite3.Connection, truth: Truth, picker: DatePicker, plan: Plan) -> Defect:
    """A game still "In Progress" on its latest scrape the morning after: its final scrapes say live, no score."""
    return _rewrite_finals(conn, truth, picker, plan, "stuck_live_game", "game_status = 2, home_team_score = NULL, "
                           "away_team_score = NULL", "still live on its scrapes the morning after")


def _rewrite_finals(conn: sqlite3.Connection, truth: Truth, picker: DatePicker, plan: Plan, kind: str,
                    assignments: str, what: str) -> Defect:
    """One game's final scrapes rewritten by `assignments` (SET clause): a defect raw.schedule_integrity finds."""
    day, game = _one_game(conn, truth, picker, plan)
    conn.execute(f"UPDATE {SCHEDULE} SET {assignments} WHERE game_id = ? AND game_date = ? AND game_status = 3",
                 (game, day.isoformat()))
    return Defect(kind, f"{game} {what}", [day], {"raw.schedule_integrity": [day]})
