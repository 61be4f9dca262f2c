"""predictions.completeness: active predictions cover at least E(d) games on every processable date."""

from tests.rules.breakers import PRED, Case, delete, sql

BREAKS = [
    Case("playoffs-without-predictions", delete(PRED, "game_date = '2025-04-20'"), ["2025-04-20"],
         "0 of 1 games predicted"),
    Case("predictions-inactive-only", sql(f"UPDATE {PRED} SET is_active = 0 WHERE game_date = '2024-11-06'"),
         ["2024-11-06"], "0 of 1"),
]

NEAR_MISSES = [
    # Preseason and All-Star games are not game dates: nothing is owed there.
    Case("preseason-and-all-star-ignored", delete(PRED, "game_date IN ('2024-10-10', '2025-02-16')")),
]
