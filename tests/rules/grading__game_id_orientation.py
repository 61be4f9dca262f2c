"""grading.game_id_orientation: every game id in prediction_accuracy is the system id YYYYMMDD_AWAY_HOME of a game of
the deduplicated schedule on the row's game_date (the analytics rule's check, for the grades)."""

from tests.rules.breakers import ACC, POSTPONED_ID_REUSED, Case, all_of, dup

BREAKS = [
    # Grades of a game written again under its HOME_AWAY id.
    Case("graded-again-under-reversed-id",
         dup(ACC, "game_date = '2024-11-10' AND game_id = '20241110_PHX_DAL'", "'20241110_DAL_PHX' AS game_id"),
         ["2024-11-10"], "1 non-canonical game id(s); first: 20241110_DAL_PHX in prediction_accuracy is reversed "
                         "(schedule: PHX at DAL)"),
    Case("two-dates", all_of(
        dup(ACC, "game_date = '2024-11-05' AND player_lookup = 'bosplayer1'", "'20241105_BOS_LAC' AS game_id"),
        dup(ACC, "game_date = '2025-04-20' AND player_lookup = 'bosplayer1'", "'20250420_BOS_NYK' AS game_id")),
        ["2024-11-05", "2025-04-20"], "20241105_BOS_LAC in prediction_accuracy is no game of the schedule on that "
                                      "date"),
]

NEAR_MISSES = [
    Case("postponed-id-reused-on-another-date", POSTPONED_ID_REUSED),
]
