"""reference.false_zero_runs: a processor's latest finished run for a date is not a success with 0 records while
its output table holds rows that date."""

from tests.rules.breakers import Case, all_of, run

BREAKS = [
    Case("false-zero-run", run("PlayerDailyCacheProcessor", "2024-11-05", "success", 0), ["2024-11-05"],
         "PlayerDailyCacheProcessor"),
    Case("false-zero-after-a-good-run", all_of(
        run("PlayerCompositeFactorsProcessor", "2025-04-20", "success", 4),
        run("PlayerCompositeFactorsProcessor", "2025-04-20", "success", 0)),  # the latest run forgot its count
        ["2025-04-20"], "PlayerCompositeFactorsProcessor"),
    Case("false-zero-phase3", run("PlayerGameSummaryProcessor", "2024-10-30", "success", 0), ["2024-10-30"],
         "PlayerGameSummaryProcessor (table holds 17)"),
]

NEAR_MISSES = [
    Case("zero-run-where-table-is-empty", run("PlayerCompositeFactorsProcessor", "2024-10-30", "success", 0)),
    Case("honest-zero-run-then-refilled", all_of(
        run("PlayerCompositeFactorsProcessor", "2024-11-06", "success", 0),    # the silent failure
        run("PlayerCompositeFactorsProcessor", "2024-11-06", "success", 4))),  # the refill that wrote rows
    Case("failed-zero-run-is-not-a-false-zero", run("PlayerDailyCacheProcessor", "2024-11-05", "failed", 0)),
]
