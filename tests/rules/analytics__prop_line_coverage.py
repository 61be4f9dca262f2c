"""analytics.prop_line_coverage: on each game date, >= 35% of upcoming_player_game_context rows have a prop line.

The clean house: 17 context rows a game (8 dressed players a team and the home side's DNP), 10 of them with a line
(59%); 2024-11-05 and 2024-11-10 have two games (20 of 34), the other dates one (10 of 17).
"""

from tests.rules.breakers import Case, all_of, delete, dup, sql

CONTEXT = "nba_analytics.upcoming_player_game_context"


def unline(day: str, rows: int | None = None):
    """Context rows of `day` written without a line (the first `rows` lined players by name, else all)."""
    limit = f" ORDER BY player_lookup LIMIT {rows}" if rows is not None else ""
    return sql(f"UPDATE {CONTEXT} SET has_prop_line = 0, current_points_line = NULL WHERE rowid IN (SELECT rowid "
               f"FROM {CONTEXT} WHERE game_date = '{day}' AND has_prop_line = 1{limit})")


def extra_unlined(day: str, rows: int):
    """`rows` more context rows on `day` (copies of unlined players under new names), none with a line."""
    return dup(CONTEXT, f"rowid IN (SELECT rowid FROM {CONTEXT} WHERE game_date = '{day}' AND has_prop_line = 0 "
                        f"ORDER BY player_lookup LIMIT {rows})", tweak="player_lookup || '_x' AS player_lookup")


BREAKS = [
    # The incident: the lines arrived after the context processor ran, so no context row has one.
    Case("lines-after-analytics", unline("2024-11-10"), ["2024-11-10"],
         "0 of 34 context rows have a prop line (need 35%)"),
    Case("under-35-percent", unline("2024-11-06", rows=5), ["2024-11-06"], "5 of 17 context rows have a prop line"),
    # 12 of 35 (34.3%): just under; without the extra row, 12 of 34 (35.3%) would pass.
    Case("just-under", all_of(unline("2024-11-05", rows=8), extra_unlined("2024-11-05", 1)), ["2024-11-05"],
         "12 of 35 context rows have a prop line"),
    # A game date without any context row has no lines either; two dates, each listed.
    Case("no-context-rows", all_of(delete(CONTEXT, "game_date = '2025-04-15'"), unline("2024-10-30")),
         ["2024-10-30", "2025-04-15"], "0 of 17 context rows have a prop line"),
]

NEAR_MISSES = [
    # 35% exactly (7 of 20) passes.
    Case("exactly-35-percent", all_of(unline("2024-11-06", rows=3), extra_unlined("2024-11-06", 3))),
    # Lines for fewer players in raw do not matter here: the context's lines are what Phase 3 saw.
    Case("raw-lines-lost-later", delete("nba_raw.bettingpros_player_points_props", "game_date = '2024-11-06'")),
    # Context rows of a day without games are not judged.
    Case("context-on-an-off-day", sql(f"INSERT INTO {CONTEXT} (player_lookup, game_id, game_date, team_abbr, "
                                      "opponent_team_abbr, has_prop_line, current_points_line, processed_at) VALUES "
                                      "('nobody', '20241107_BOS_NYK', '2024-11-07', 'NYK', 'BOS', 0, NULL, "
                                      "'2024-11-07T08:00:00')")),
]
