"""predictions.duplicate_keys: (player_lookup, game_id, system_id) is unique among active predictions."""

from tests.rules.breakers import PRED, Case, all_of, dup, sql

NYK1 = "game_date = '2024-11-05' AND player_lookup = 'nykplayer1'"

BREAKS = [
    Case("prediction-duplicate", dup(PRED, NYK1, tweak="prediction_id || '_b' AS prediction_id"), ["2024-11-05"],
         "2 duplicated keys"),
]

NEAR_MISSES = [
    # A superseded (inactive) prediction of the same key is history, not a duplicate.
    Case("inactive-duplicate-prediction-ignored", all_of(
        dup(PRED, NYK1, tweak="prediction_id || '_old' AS prediction_id"),
        sql(f"UPDATE {PRED} SET is_active = 0 WHERE prediction_id LIKE '%_old'"))),
]
