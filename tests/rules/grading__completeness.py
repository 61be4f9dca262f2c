"""grading.completeness: graded games >= predicted games on every game date with active predictions."""

from tests.rules.breakers import ACC, Case, delete

BREAKS = [
    Case("grading-missing", delete(ACC, "game_date = '2024-11-10' AND game_id LIKE '%_SAS_HOU'"), ["2024-11-10"],
         "1 of 2 predicted games graded"),
]

NEAR_MISSES = [
    # The rule counts graded games, not graded rows: a game with one graded prediction left is graded.
    Case("some-rows-of-a-graded-game-missing", delete(ACC, "game_date = '2024-11-10' "
                                                           "AND player_lookup = 'sasplayer1'")),
]
