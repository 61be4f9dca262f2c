"""predictions.prop_line_coverage: on processable dates, >= 90% of the players with a line in the context have an
active prediction (any system).

The clean house: 10 players a game have a line in upcoming_player_game_context, each predicted by both systems
(catboost_v8, ensemble_v1); 2024-11-05 and 2024-11-10 have two games (20 players), the other dates one (10).
"""

from tests.rules import breakers
from tests.rules.breakers import CONTEXT, Case, all_of, sql

def unpredicted(day: str, players: int):
    return breakers.unpredicted(day, players, with_line=True)


def deactivated(day: str, players: int, system: str = "%"):
    return breakers.deactivated(day, players, with_line=True, system=system)


BREAKS = [
    # The incident: players with a real line left unpredicted while every game has predictions.
    Case("three-of-twenty-unpredicted", unpredicted("2024-11-05", 3), ["2024-11-05"],
         "17 of 20 players with a line predicted"),
    # Inactive predictions do not count: 2 of 10 players deactivated in both systems (20%, within per_system).
    Case("deactivated-in-both-systems", deactivated("2024-11-06", 2), ["2024-11-06"],
         "8 of 10 players with a line predicted"),
    Case("two-dates", all_of(unpredicted("2024-11-10", 5), unpredicted("2025-04-20", 10)),
         ["2024-11-10", "2025-04-20"], "15 of 20 players with a line predicted"),
]

NEAR_MISSES = [
    # 90% exactly (18 of 20) passes.
    Case("exactly-90-percent", unpredicted("2024-11-05", 2)),
    # One system is enough: a player deactivated in one system only is still predicted.
    Case("one-system-only", deactivated("2024-11-06", 2, system="ensemble_v1")),
    # Bootstrap dates are not judged.
    Case("bootstrap-date", unpredicted("2024-10-30", 10)),
    # Players without a line in the context are not owed a prediction here (the analytics rule judges the lines).
    Case("no-lines-in-context", sql(f"UPDATE {CONTEXT} SET has_prop_line = 0, current_points_line = NULL "
                                    "WHERE game_date = '2024-11-06'")),
]
