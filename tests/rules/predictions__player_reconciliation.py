"""predictions.player_reconciliation: on processable dates with active predictions, >= 90% of the players without a
line in upcoming_player_game_context have an active prediction (any system). The players with a line are
predictions.prop_line_coverage's, so one dropped player is never reported twice; together the two rules hold the
platform's check (predicted players >= 90% of the context's).

The clean house predicts every context player in both systems (catboost_v8, ensemble_v1): 17 a game, 10 with a
line and 7 without (role5, role6 of each team and the home side's DNP bench player). 2024-11-05 and 2024-11-10 have
two games (34 players, 14 without a line), the other dates one (17, 7 without a line).
"""

from nbadq.validation import run_checkpoint
from tests.rules import breakers
from tests.rules.breakers import CONTEXT, PRED, Case, all_of, delete, entries, sql

def unpredicted(day: str, players: int):
    return breakers.unpredicted(day, players, with_line=False)


def deactivated(day: str, players: int, system: str = "%"):
    return breakers.deactivated(day, players, with_line=False, system=system)


BREAKS = [
    # The incident: 26 players predicted on the date's slate (every player with a line kept, 8 of the 14 without
    # one dropped; the players with a line all predicted, so prop_line_coverage has nothing to say).
    Case("26-of-34-players-predicted", unpredicted("2024-11-05", 8), ["2024-11-05"],
         "6 of 14 players without a line predicted (26 of 34 context players predicted)"),
    # 85%: one of a game's 7 players without a line left out (6 < 6.3).
    Case("85-percent", unpredicted("2024-11-06", 1), ["2024-11-06"], "6 of 7 players without a line predicted"),
    # Inactive predictions do not count: 2 of 14 deactivated in both systems (no real-line prediction touched).
    Case("deactivated-in-both-systems", deactivated("2024-11-10", 2), ["2024-11-10"],
         "12 of 14 players without a line predicted"),
    # The sample generator's old habit: only the rotation (the players with a line) predicted, on two dates.
    Case("no-line-players-never-predicted", all_of(unpredicted("2024-11-10", 14), unpredicted("2025-04-20", 7)),
         ["2024-11-10", "2025-04-20"], "0 of 14 players without a line predicted (20 of 34"),
]

NEAR_MISSES = [
    # 13 of 14 (93%) passes.
    Case("92-percent", unpredicted("2024-11-05", 1)),
    # One system is enough: the other system's predictions cover every player (predictions.per_system's business
    # would be real-line ones; these are no-line predictions, which it does not count).
    Case("one-system-covers", deactivated("2024-11-10", 14, system="ensemble_v1")),
    # Bootstrap dates are not judged: a lone prediction on day 8 of the season owes nothing.
    Case("bootstrap-date", sql(
        f"INSERT INTO {PRED} (prediction_id, player_lookup, game_id, game_date, system_id, predicted_points, "
        "is_active, created_at, line_source, current_points_line, recommendation) VALUES ('boot-1', 'denplayer1', "
        "'20241030_DEN_OKC', '2024-10-30', 'catboost_v8', 9.0, 1, '2024-10-30T23:40:00', 'ESTIMATED_AVG', 9.5, "
        "'NO_LINE')")),
    # Players missing from the context are not owed a prediction: the date's context without its no-line players.
    Case("players-not-in-context", delete(CONTEXT, "game_date = '2024-11-06' AND has_prop_line = 0")),
]


def _failing(house) -> dict[str, list[str]]:
    doc = run_checkpoint(str(house.root), "predictions")
    return {e["rule"]: e["failing_dates"] for e in doc["layers"]["predictions"]["expectations"] if e["failing_dates"]}


def a_date_without_predictions_is_completeness_alone(house):
    """A date whose predictions are all gone is predictions.completeness's incident, not this rule's too."""
    delete(PRED, "game_date = '2025-04-20'")(house)
    assert _failing(house) == {"predictions.completeness": ["2025-04-20"]}


def players_with_a_line_dropped_are_prop_line_coverage_alone(house):
    """5 of 20 players with a line unpredicted (29 of 34 players, 85%): prop_line_coverage reports the date,
    this rule (every player without a line predicted) does not."""
    delete(PRED, f"game_date = '2024-11-10' AND player_lookup IN (SELECT player_lookup FROM {CONTEXT} WHERE "
                 "game_date = '2024-11-10' AND has_prop_line = 1 ORDER BY player_lookup LIMIT 5)")(house)
    assert _failing(house) == {"predictions.prop_line_coverage": ["2024-11-10"]}


def a_clean_house_passes_with_its_remediation(house):
    (entry,) = entries(run_checkpoint(str(house.root), "predictions"), "predictions.player_reconciliation")
    assert (entry["severity"], entry["success"], entry["failing_dates"], entry["remediation"]) == \
        ("error", True, [], "predictions")


CHECKS = [a_date_without_predictions_is_completeness_alone, players_with_a_line_dropped_are_prop_line_coverage_alone,
          a_clean_house_passes_with_its_remediation]
