"""grading.completeness: on every game date, each game with a gradable prediction (active, line_source
'ACTUAL_PROP', no invalidation_reason) under its canonical id has graded rows. Systems are pooled: one system's
missing grading is grading.per_system's incident."""

from tests.rules.breakers import ACC, PRED, Case, all_of, delete, sql

# SAS_HOU of 2024-11-10 keeps one gradable prediction a system (its others invalidated by a late scratch), so its
# missing grades are 1 of 11 per system: grading.per_system (>= 80%) stays quiet, the game is ungraded.
ONE_GRADABLE = sql(f"UPDATE {PRED} SET invalidation_reason = 'player_inactive' WHERE game_date = '2024-11-10' "
                   "AND game_id LIKE '%_SAS_HOU' AND player_lookup <> 'sasplayer1'")

BREAKS = [
    Case("grading-missing", all_of(ONE_GRADABLE, delete(ACC, "game_date = '2024-11-10' AND game_id LIKE '%_SAS_HOU'")),
         ["2024-11-10"], "1 of 2 games with gradable predictions graded"),
]

NEAR_MISSES = [
    # The rule counts graded games, not graded rows: a game with one graded prediction left is graded.
    Case("some-rows-of-a-graded-game-missing", delete(ACC, "game_date = '2024-11-10' "
                                                           "AND player_lookup = 'sasplayer1'")),
    # Predictions under a reversed id can match no result: predictions.game_id_orientation's, owed no grade here
    # (1 gradable prediction a system of 11, so grading.per_system stays quiet too).
    Case("reversed-id-predictions-owed-no-grade", all_of(
        ONE_GRADABLE, sql(f"UPDATE {PRED} SET game_id = '20241110_HOU_SAS' WHERE game_id = '20241110_SAS_HOU'"),
        delete(ACC, "game_id = '20241110_SAS_HOU'"))),
    # A game whose predictions are all no-line (or invalidated) is owed no grades.
    Case("no-line-game-never-graded", all_of(
        sql(f"UPDATE {PRED} SET line_source = 'ESTIMATED_AVG', recommendation = 'NO_LINE' "
            "WHERE game_date = '2024-11-06'"),
        delete(ACC, "game_date = '2024-11-06'"))),
]


def a_season_graded_with_one_row_fails_every_date(house):
    """The old incident: a month (here, the season) of grading deleted but one row."""
    from nbadq.validation import run_checkpoint
    from tests.rules.breakers import entries

    delete(ACC, f"rowid <> (SELECT MIN(rowid) FROM {ACC})")(house)
    doc = run_checkpoint(str(house.root), "grading")
    (entry,) = entries(doc, "grading.completeness")
    assert entry["failing_dates"] == ["2024-11-05", "2024-11-06", "2024-11-10", "2025-04-15", "2025-04-20"]
    assert entry["reasons"]["2024-11-05"] == "1 of 2 games with gradable predictions graded"
    assert entry["reasons"]["2024-11-06"] == "0 of 1 games with gradable predictions graded"


CHECKS = [a_season_graded_with_one_row_fails_every_date]
