"""raw.impossible_dates: every schedule and gamebook row has a real YYYY-MM-DD game_date. Its unexpected rows are
the findings (one per bad row), not dates, so its break is a check of the exact findings."""

from nbadq.validation import run_checkpoint
from tests.rules.breakers import Case, entries, sql

BREAKS: list[Case] = []

NEAR_MISSES = [
    # 2024 is a leap year: February 29th is a real date (on a preseason game, which no other rule counts).
    Case("leap-day-is-a-real-date", sql("UPDATE nba_raw.nbac_schedule SET game_date = '2024-02-29' "
                                        "WHERE game_date = '2024-10-10'")),
]


def bad_rows_of_both_tables_are_findings(house):
    house.sql("UPDATE nba_raw.nbac_schedule SET game_date = '2024-02-30' WHERE game_date = '2024-11-06'")
    house.sql("UPDATE nba_raw.nbac_gamebook_player_stats SET game_date = '2024/01/07' WHERE game_date = '2024-10-30'")
    doc = run_checkpoint(str(house.root), "raw")
    entry = entries(doc, "raw.impossible_dates")[0]
    assert (entry["success"], entry["observed_value"], entry["failing_dates"]) == (False, 2, [])
    assert entry["findings"] == [
        "nba_raw.nbac_gamebook_player_stats 0022400004: game_date '2024/01/07' is not a date",
        "nba_raw.nbac_schedule 0022400007: game_date '2024-02-30' is not a date"]


CHECKS = [bad_rows_of_both_tables_are_findings]
