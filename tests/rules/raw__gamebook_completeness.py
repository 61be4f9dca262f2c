"""raw.gamebook_completeness: the gamebook holds at least E(d) games on each game date."""

from tests.rules.breakers import Case, delete, dup

GAMEBOOK = "nba_raw.nbac_gamebook_player_stats"
FIRST_GAME_OF = "game_id = (SELECT MIN(game_id) FROM nba_raw.nbac_gamebook_player_stats WHERE game_date = '{}')"

BREAKS = [
    Case("gamebook-missing-game", delete(GAMEBOOK, FIRST_GAME_OF.format("2024-11-10")), ["2024-11-10"],
         "1 of 2 games"),
]

NEAR_MISSES = [
    # ">= E(d)": a gamebook game the schedule does not count is not a missing one.
    Case("more-games-than-scheduled", dup(GAMEBOOK, FIRST_GAME_OF.format("2024-11-05"),
                                          tweak="'0022499999' AS game_id")),
]
