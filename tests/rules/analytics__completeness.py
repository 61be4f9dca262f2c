"""analytics.completeness: player_game_summary holds at least E(d) games on each game date."""

from tests.rules.breakers import PGS, Case, delete, sql

BREAKS = [
    Case("analytics-missing-date", delete(PGS, "game_date = '2024-11-06'"), ["2024-11-06"], "0 of 1 games"),
    Case("analytics-missing-bootstrap-date", delete(PGS, "game_date = '2024-10-22'"), ["2024-10-22"],
         "0 of 2 games"),
]

NEAR_MISSES = [
    # The schedule is append-only: another scrape of the same games must not raise E(d).
    Case("repeated-scrapes-ignored", sql("INSERT INTO nba_raw.nbac_schedule SELECT * FROM nba_raw.nbac_schedule "
                                         "WHERE game_date = '2024-11-05'")),
]
