"""predictions.per_system: per date and system, at most 20% of the real-line (ACTUAL_PROP) predictions inactive.

The clean house: on each date two systems (catboost_v8, ensemble_v1) each make 10 real-line predictions a game
and 7 without a line ('ESTIMATED_AVG' / 'NO_LINE'); 2024-11-05 and 2024-11-10 have two games (20 real-line
predictions a system), 2024-11-06 one (10).
"""

from tests.rules.breakers import PRED, Case, all_of, dup, entries, sql
from nbadq.validation import run_checkpoint


def deactivate(day: str, system: str, rows: int | None = None, where: str = "line_source = 'ACTUAL_PROP'",
               last: bool = False):
    """Set is_active = FALSE on the system's predictions of `day` matching `where` (the first `rows` of them, or
    with `last` the last: two systems then deactivate different players, each still predicted by the other, so
    predictions.prop_line_coverage has nothing to say)."""
    order = "game_id DESC, player_lookup DESC" if last else "game_id, player_lookup"
    limit = f" ORDER BY {order} LIMIT {rows}" if rows is not None else ""
    return sql(f"UPDATE {PRED} SET is_active = 0 WHERE rowid IN (SELECT rowid FROM {PRED} WHERE game_date = "
               f"'{day}' AND system_id = '{system}' AND {where}{limit})")


def superseded(day: str, system: str, rows: int):
    """`rows` earlier versions (is_active = FALSE, a new prediction_id) of the system's real-line predictions."""
    def apply(h) -> None:
        keys = h.conn.execute(f"SELECT prediction_id FROM {PRED} WHERE game_date = ? AND system_id = ? AND "
                              "line_source = 'ACTUAL_PROP' ORDER BY prediction_id LIMIT ?", (day, system, rows))
        ids = ", ".join(f"'{k}'" for (k,) in keys.fetchall())
        dup(PRED, f"prediction_id IN ({ids})", tweak="prediction_id || '_old' AS prediction_id")(h)
        h.sql(f"UPDATE {PRED} SET is_active = 0 WHERE prediction_id LIKE '%_old'")
    return apply


BREAKS = [
    # The incident: one model's predictions all deactivated, the other's kept (so predictions.completeness passes).
    Case("one-system-deactivated", deactivate("2024-11-10", "ensemble_v1"), ["2024-11-10"],
         "ensemble_v1: 20 of 20 real-line predictions inactive (1 of 2 systems over 20%)"),
    Case("25-percent-inactive", deactivate("2024-11-05", "catboost_v8", rows=5), ["2024-11-05"],
         "catboost_v8: 5 of 20 real-line predictions inactive (1 of 2 systems over 20%)"),
    # Superseded versions count: 3 earlier versions beside 10 active predictions are 23% inactive.
    Case("too-many-superseded-versions", superseded("2024-11-06", "catboost_v8", 3), ["2024-11-06"],
         "catboost_v8: 3 of 13 real-line predictions inactive"),
    # Both systems, on two dates: every date listed, the reason names the worse system and how many are over.
    Case("both-systems-on-two-dates", all_of(
        deactivate("2024-11-05", "catboost_v8", rows=6), deactivate("2024-11-05", "ensemble_v1", rows=8, last=True),
        deactivate("2025-04-20", "ensemble_v1")), ["2024-11-05", "2025-04-20"],
        "ensemble_v1: 8 of 20 real-line predictions inactive (2 of 2 systems over 20%)"),
]

NEAR_MISSES = [
    Case("15-percent-inactive", deactivate("2024-11-05", "catboost_v8", rows=3)),
    Case("exactly-20-percent-inactive", all_of(deactivate("2024-11-05", "catboost_v8", rows=4),
                                               deactivate("2024-11-05", "ensemble_v1", rows=4, last=True))),
    # Two superseded versions beside 10 active predictions: 17%, the sample's ordinary re-runs.
    Case("two-superseded-versions", superseded("2024-11-06", "ensemble_v1", 2)),
    # Only real-line predictions count: every no-line prediction of a system on a date deactivated is not the
    # incident (in both systems, those players would be unpredicted: predictions.player_reconciliation's).
    Case("no-line-predictions-inactive",
         deactivate("2024-11-10", "catboost_v8", where="line_source = 'ESTIMATED_AVG'")),
]


def a_clean_house_reports_no_system(house):
    doc = run_checkpoint(str(house.root), "predictions")
    (entry,) = entries(doc, "predictions.per_system")
    assert (entry["severity"], entry["success"], entry["failing_dates"], entry["remediation"]) == \
        ("error", True, [], "predictions")


CHECKS = [a_clean_house_reports_no_system]
