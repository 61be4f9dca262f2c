"""predictions.completeness: active predictions cover at least E(d) games on every processable date."""

from tests.rules.breakers import PRED, Case, delete, sql

BREAKS = [
    Case("playoffs-without-predictions", delete(PRED, "game_date = '2025-04-20'"), ["2025-04-20"],
         "0 of 1 games predicted"),
    # Inactive predictions do not count. (Deactivated real-line predictions are also predictions.per_system's
    # incident: here the date keeps only superseded no-line versions, so that rule has nothing to say.)
    Case("predictions-inactive-only", sql(f"DELETE FROM {PRED} WHERE game_date = '2024-11-06' "
                                          "AND line_source = 'ACTUAL_PROP'",
                                          f"UPDATE {PRED} SET is_active = 0 WHERE game_date = '2024-11-06'"),
         ["2024-11-06"], "0 of 1"),
]

NEAR_MISSES = [
    # Preseason and All-Star games are not game dates: nothing is owed there.
    Case("preseason-and-all-star-ignored", delete(PRED, "game_date IN ('2024-10-10', '2025-02-16')")),
]
