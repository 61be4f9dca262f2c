"""precompute.stale_after_upstream: a processable date t fails when a game date d of its season with
t - 21 <= d < t had player_game_summary rows (re)processed after t's Phase 4 rows (the earliest processed_at of
its player_composite_factors) were written.

The mini warehouse's stamps follow the pipeline: Phase 3 of a date at 23:00, its Phase 4 at 23:30 the same day.
Processable dates: 2024-11-05, 2024-11-06, 2024-11-10, 2025-04-15 (play-in), 2025-04-20 (playoffs); bootstrap
2024-10-22 and 2024-10-30."""

from tests.rules.breakers import PCF, PGS, Case, all_of, sql


def _reprocess(day: str, at: str, where: str = "") -> object:
    """player_game_summary of `day` re-run at `at` (every row, or those matching `where`)."""
    return sql(f"UPDATE {PGS} SET processed_at = '{at}' WHERE game_date = '{day}'{where}")


def _extra_date(day: str, away: str, home: str) -> object:
    """One more processable game date with its Phase 3 and Phase 4 rows, in pipeline order."""
    def apply(h) -> None:
        h.game(day, away, home)
        h.precompute(day, bootstrap=False)
        h.predictions(day)
    return apply


BREAKS = [
    # Re-run two days later: 2024-11-06's Phase 4 (written 11-06 23:30) is stale; 2024-11-10's came after it.
    Case("phase3-rerun-after-later-phase4", _reprocess("2024-11-05", "2024-11-08T12:00:00"), ["2024-11-06"],
         "player_game_summary of 2024-11-05 (re)processed after this date's Phase 4 rows were written "
         "(1 upstream date(s) in the 21-day lookback, latest 2024-11-05)"),
    # One row of the date re-processed is enough: the date's latest processed_at counts.
    Case("one-row-reprocessed", _reprocess("2024-11-05", "2024-11-08T12:00:00", " AND player_lookup = 'bosplayer1'"),
         ["2024-11-06"], "player_game_summary of 2024-11-05"),
    # A bootstrap date is upstream of the first processable dates (6, 7 and 11 days later).
    Case("bootstrap-upstream-reprocessed-weeks-later", _reprocess("2024-10-30", "2024-12-01T00:00:00"),
         ["2024-11-05", "2024-11-06", "2024-11-10"], "player_game_summary of 2024-10-30"),
    # Two upstream dates: 2024-10-22 is 14, 15 and 19 days before the processable dates of November.
    Case("two-upstream-dates", all_of(_reprocess("2024-10-22", "2024-12-01T00:00:00"),
                                      _reprocess("2024-10-30", "2024-12-01T00:00:00")),
         ["2024-11-05", "2024-11-06", "2024-11-10"],
         "player_game_summary of 2024-10-22 (re)processed after this date's Phase 4 rows were written "
         "(2 upstream date(s) in the 21-day lookback, latest 2024-10-30)"),
    # Playoffs: the play-in date re-processed the day after the playoff date's Phase 4 ran.
    Case("playoffs", _reprocess("2025-04-15", "2025-04-21T06:00:00"), ["2025-04-20"],
         "player_game_summary of 2025-04-15"),
    # Exactly 21 days before 2025-04-15 (and 26 before 2025-04-20, outside its lookback).
    Case("upstream-exactly-21-days-before", all_of(_extra_date("2025-03-25", "ATL", "CHI"),
                                                   _reprocess("2025-03-25", "2025-05-01T00:00:00")),
         ["2025-04-15"], "player_game_summary of 2025-03-25"),
    # The cascade half-repaired: only some composite factors of 2024-11-06 re-run after the Phase 3 re-run.
    Case("phase4-partly-rerun-stays-stale",
         all_of(_reprocess("2024-11-05", "2024-11-08T12:00:00"),
                sql(f"UPDATE {PCF} SET processed_at = '2024-11-08T13:00:00' WHERE game_date = '2024-11-06' "
                    "AND player_lookup = 'miaplayer1'")),
         ["2024-11-06"], "player_game_summary of 2024-11-05"),
]

NEAR_MISSES = [
    # 22 days before 2025-04-15 (27 before 2025-04-20): outside every lookback.
    Case("upstream-22-days-before", all_of(_extra_date("2025-03-24", "ATL", "CHI"),
                                           _reprocess("2025-03-24", "2025-05-01T00:00:00"))),
    # Re-processed after its own Phase 4 but before 2024-11-06's: the later Phase 4 already read the new rows.
    Case("reprocessed-before-later-phase4", _reprocess("2024-11-05", "2024-11-06T23:15:00")),
    # 2024-10-30's placeholders were written before the re-run, but a bootstrap date is never stale.
    Case("bootstrap-t-is-never-stale", _reprocess("2024-10-22", "2024-10-30T23:45:00")),
    # A date's own Phase 3 re-run after its Phase 4 is not upstream of it (d < t), and nothing within 21 days
    # after 2024-11-10 has Phase 4 rows.
    Case("own-date-is-not-upstream", _reprocess("2024-11-10", "2024-11-12T00:00:00")),
    # The cascade repaired: every composite factor of 2024-11-06 re-run after the Phase 3 re-run.
    Case("phase4-rerun-after-phase3", all_of(
        _reprocess("2024-11-05", "2024-11-08T12:00:00"),
        sql(f"UPDATE {PCF} SET processed_at = '2024-11-08T13:00:00' WHERE game_date = '2024-11-06'"))),
    # Stamps the same second are not "after".
    Case("same-second-is-not-after", _reprocess("2024-11-05", "2024-11-06T23:30:00")),
]
