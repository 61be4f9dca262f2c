"""grading.per_system: per date and system, graded / gradable >= 80% (warns below) and >= 50% (fails below).

Gradable: active, line_source 'ACTUAL_PROP', no invalidation_reason. The clean house: each of two systems
(catboost_v8, ensemble_v1) has 10 gradable predictions a game, all graded, and 2 no-line ones ('ESTIMATED_AVG' /
'NO_LINE', never graded); 2024-11-05 and 2024-11-10 have two games (20 gradable a system), the others one.
One rule id with two expectations: the warning (50% to 80%) and the failure (under 50%) are the same incident at
two depths, so a user follows one id; a date is in exactly one of the two lists.
"""

from nbadq.validation import run_checkpoint
from tests.rules.breakers import ACC, PRED, Case, all_of, delete, entries, sql


def ungrade(day: str, system: str, rows: int | None = None):
    """Delete the system's grades of `day` (the first `rows` of them by player: the games' rows interleave)."""
    limit = f" ORDER BY player_lookup, game_id LIMIT {rows}" if rows is not None else ""
    return sql(f"DELETE FROM {ACC} WHERE rowid IN (SELECT rowid FROM {ACC} WHERE game_date = '{day}' "
               f"AND system_id = '{system}'{limit})")


BREAKS = [
    # The incident: one model's grading deleted while the other model's is there (grading.completeness passes:
    # every game still has grades).
    Case("one-system-never-graded", ungrade("2024-11-05", "ensemble_v1"), ["2024-11-05"],
         "ensemble_v1: 0 of 20 gradable graded (1 of 2 systems under 50%)"),
    Case("45-percent-graded", ungrade("2024-11-10", "catboost_v8", rows=11), ["2024-11-10"],
         "catboost_v8: 9 of 20 gradable graded (1 of 2 systems under 50%)"),
    Case("both-systems-on-two-dates", all_of(
        ungrade("2024-11-05", "catboost_v8", rows=12), ungrade("2024-11-05", "ensemble_v1", rows=16),
        ungrade("2025-04-15", "catboost_v8", rows=6)), ["2024-11-05", "2025-04-15"],
        "ensemble_v1: 4 of 20 gradable graded (2 of 2 systems under 50%)"),
]

NEAR_MISSES = [
    Case("exactly-80-percent-graded", ungrade("2024-11-05", "ensemble_v1", rows=4)),
    # NO_LINE / ESTIMATED_AVG predictions are never graded: every role player's prediction of a date turned into
    # one (so not gradable) and left ungraded.
    Case("no-line-predictions-never-graded", all_of(
        sql(f"UPDATE {PRED} SET line_source = 'ESTIMATED_AVG', recommendation = 'NO_LINE' "
            "WHERE game_date = '2024-11-10' AND player_lookup LIKE '%role%'"),
        delete(ACC, "game_date = '2024-11-10' AND player_lookup LIKE '%role%'"))),
    # Invalidated predictions (a late scratch, a postponed game) are never graded.
    Case("invalidated-predictions-not-graded", all_of(
        sql(f"UPDATE {PRED} SET invalidation_reason = 'game_postponed' "
            "WHERE game_date = '2024-11-10' AND game_id LIKE '%_SAS_HOU'"),
        delete(ACC, "game_date = '2024-11-10' AND game_id LIKE '%_SAS_HOU'"))),
    # Inactive (superseded) predictions are not gradable.
    Case("inactive-predictions-not-graded", all_of(
        sql(f"UPDATE {PRED} SET is_active = 0 WHERE game_date = '2025-04-20' AND system_id = 'ensemble_v1'"),
        delete(ACC, "game_date = '2025-04-20' AND system_id = 'ensemble_v1'"))),
]


def _grading(house) -> tuple[dict, dict, dict]:
    doc = run_checkpoint(str(house.root), "grading")
    warn, error = entries(doc, "grading.per_system")
    assert (warn["severity"], error["severity"], warn["remediation"], error["remediation"]) == \
        ("warn", "error", "grading", "grading")
    return doc, warn, error


def under_80_percent_warns_without_failing_the_run(house):
    ungrade("2024-11-05", "ensemble_v1", rows=5)(house)  # 15 of 20: 75%
    ungrade("2024-11-10", "catboost_v8", rows=10)(house)  # 10 of 20: exactly 50%, still a warning
    doc, warn, error = _grading(house)
    assert (warn["success"], warn["failing_dates"]) == (False, ["2024-11-05", "2024-11-10"])
    assert warn["reasons"] == {
        "2024-11-05": "ensemble_v1: 15 of 20 gradable graded (1 of 2 systems under 80%)",
        "2024-11-10": "catboost_v8: 10 of 20 gradable graded (1 of 2 systems under 80%)"}
    assert (error["success"], error["failing_dates"]) == (True, [])
    assert doc["success"] is True
    assert (doc["layers"]["grading"]["failing_dates"], doc["layers"]["grading"]["warning_dates"]) == \
        ([], ["2024-11-05", "2024-11-10"])


def a_date_is_a_warning_or_a_failure_never_both(house):
    ungrade("2024-11-05", "ensemble_v1", rows=5)(house)  # 75%: a warning
    ungrade("2024-11-10", "catboost_v8", rows=5)(house)  # 75% ...
    ungrade("2024-11-10", "ensemble_v1", rows=15)(house)  # ... and 25% on the same date: a failure
    doc, warn, error = _grading(house)
    assert (warn["failing_dates"], error["failing_dates"]) == (["2024-11-05"], ["2024-11-10"])
    assert error["reasons"] == {"2024-11-10": "ensemble_v1: 5 of 20 gradable graded (1 of 2 systems under 50%)"}
    assert doc["success"] is False


def duplicated_grades_count_once(house):
    """4 of 10 graded, each grade written twice: still 4 of 10 (grading.duplicate_keys reports the copies)."""
    ungrade("2024-11-06", "catboost_v8", rows=6)(house)
    house.sql(f"INSERT INTO {ACC} SELECT * FROM {ACC} WHERE game_date = '2024-11-06' AND system_id = 'catboost_v8'")
    doc, warn, error = _grading(house)
    assert (warn["failing_dates"], error["failing_dates"]) == ([], ["2024-11-06"])
    assert error["reasons"] == {"2024-11-06": "catboost_v8: 4 of 10 gradable graded (1 of 2 systems under 50%)"}
    (dups,) = entries(doc, "grading.duplicate_keys")
    assert dups["failing_dates"] == ["2024-11-06"]


def a_clean_house_warns_about_nothing(house):
    doc, warn, error = _grading(house)
    assert (warn["success"], warn["failing_dates"], error["success"], error["failing_dates"]) == (True, [], True, [])


CHECKS = [under_80_percent_warns_without_failing_the_run, a_date_is_a_warning_or_a_failure_never_both,
          duplicated_grades_count_once, a_clean_house_warns_about_nothing]
