"""analytics.minutes_null_rate: among played rows (is_dnp = FALSE), NULL minutes_played <= 1% over the window and
<= 5% on each date. Two expectations: the per-date one is dated; the window one is checked in CHECKS."""

from nbadq.validation import run_checkpoint
from tests.rules.breakers import PGS, Case, entries, null

PLAYED_ON = "game_date = '{}' AND is_dnp = 0"

BREAKS = [
    Case("minutes-null-on-a-date", null(PGS, "minutes_played", PLAYED_ON.format("2024-11-05"), rows=2),
         ["2024-11-05"], "2 of 32 played rows"),
]

NEAR_MISSES = [
    # DNP and inactive rows have no minutes by design.
    Case("dnp-rows-null-by-design", null(PGS, "minutes_played", "is_dnp = 1")),
]


def window_threshold_is_reported_as_a_ratio(house):
    null(PGS, "minutes_played", PLAYED_ON.format("2024-11-05"), rows=2)(house)
    doc = run_checkpoint(str(house.root), "analytics")
    window, per_date = entries(doc, "analytics.minutes_null_rate")
    # 10 games x 16 played rows; two NULLs are 1.25% of the window (> 1%; a ratio in the JSON) and 6.25% of the
    # date's 32 played rows (> 5%).
    assert (window["success"], window["observed_value"], window["failing_dates"]) == (False, 0.0125, [])
    assert (per_date["success"], per_date["failing_dates"]) == (False, ["2024-11-05"])


CHECKS = [window_threshold_is_reported_as_a_ratio]
