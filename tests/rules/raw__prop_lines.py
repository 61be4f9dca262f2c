"""raw.prop_lines: on each game date, active bettingpros lines for >= 10 distinct players per game (10 x E(d)).

The clean house: 10 players a game have a line (the two players and three role players of each team), two books
and both sides each, scraped at 07:00; 2024-11-05 and 2024-11-10 have two games (20 players), the other dates one.
"""

from tests.rules.breakers import Case, all_of, delete, dup, sql

PROPS = "nba_raw.bettingpros_player_points_props"


def drop_players(day: str, players: int):
    """Delete every line of the first `players` players (by name) with a line on `day`."""
    return delete(PROPS, f"game_date = '{day}' AND player_lookup IN (SELECT DISTINCT player_lookup FROM {PROPS} "
                         f"WHERE game_date = '{day}' ORDER BY player_lookup LIMIT {players})")


BREAKS = [
    # The incident: the props scrape of a date never landed.
    Case("no-lines-on-a-date", delete(PROPS, "game_date = '2024-11-06'"), ["2024-11-06"],
         "0 players with lines for 1 games (need 10)"),
    Case("one-player-short", drop_players("2024-11-10", 1), ["2024-11-10"],
         "19 players with lines for 2 games (need 20)"),
    # Pulled lines (is_active = FALSE) are not lines: 8 of 20 players pulled on a date leave 12.
    Case("lines-pulled", sql(f"UPDATE {PROPS} SET is_active = 0 WHERE game_date = '2024-11-05' AND player_lookup IN "
                             f"(SELECT DISTINCT player_lookup FROM {PROPS} WHERE game_date = '2024-11-05' "
                             "ORDER BY player_lookup LIMIT 8)"), ["2024-11-05"],
         "12 players with lines for 2 games (need 20)"),
    # A bootstrap date and a playoff date: every game date counts, not only processable ones.
    Case("two-dates", all_of(drop_players("2024-10-30", 3), delete(PROPS, "game_date = '2025-04-20'")),
         ["2024-10-30", "2025-04-20"], "7 players with lines for 1 games (need 10)"),
]

NEAR_MISSES = [
    # Exactly 10 players a game is enough (the clean house has exactly that; more books do not add players).
    Case("more-offers-same-players", dup(PROPS, "game_date = '2024-11-05'", tweak="'betmgm' AS bookmaker")),
    # A pulled offer beside an active one: the player still has a line.
    Case("one-book-pulled", sql(f"UPDATE {PROPS} SET is_active = 0 WHERE game_date = '2024-11-05' "
                                "AND bookmaker = 'fanduel'")),
    # Lines for a date without a game do not count anywhere, and do not fail.
    Case("lines-on-an-off-day", dup(PROPS, "game_date = '2024-11-05'", tweak="'2024-11-07' AS game_date")),
]
