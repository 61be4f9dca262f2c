"""raw.schedule_integrity: the deduplicated schedule tells the truth about played games.

Error: a final game without a score, a game id final on two dates (found on the later one), a game still live on
its latest scrape more than 6 h after tip-off. Warning (same rule id): a game still scheduled on a scrape taken
after its tip-off (postponed, or an "if necessary" playoff game never played).
The clean house: every game tips off at 10:30 and is scraped at 12:00 (scheduled) and 13:00 (final, 114-102);
the unplayed 2025-04-22 game was last scraped the day before. A stuck live game still counts in E(d), a game
scheduled after tip-off does not (analytics.completeness shows both).
"""

from nbadq.validation import run_checkpoint
from tests.rules.breakers import PGS, POSTPONED_ID_REUSED, Case, all_of, delete, dup, entries, sql

SCHEDULE = "nba_raw.nbac_schedule"
GAMEBOOK = "nba_raw.nbac_gamebook_player_stats"
PROPS = "nba_raw.bettingpros_player_points_props"
SAS_HOU = "game_date = '2024-11-10' AND home_team_tricode = 'HOU'"  # the second game of 2024-11-10
FINAL_ROW = f"{SAS_HOU} AND game_status = 3"


def latest_scrape(status: int, at: str, where: str = FINAL_ROW):
    """The game's latest scrape (its final row) says `status` at `at`, without a score."""
    return sql(f"UPDATE {SCHEDULE} SET game_status = {status}, processed_at = '{at}', home_team_score = NULL, "
               f"away_team_score = NULL WHERE {where}")


def final_again_on(day: str):
    """The SAS-HOU game (2024-11-10) recorded on `day` too: its final scrape, gamebook and lines copied there."""
    game = f"(SELECT game_id FROM {SCHEDULE} WHERE {FINAL_ROW})"
    return all_of(dup(SCHEDULE, FINAL_ROW, tweak=f"'{day}' AS game_date"),
                  dup(GAMEBOOK, f"game_id = {game}", tweak=f"'{day}' AS game_date"),
                  dup(PROPS, "game_date = '2024-11-10' AND (player_lookup LIKE 'sas%' OR player_lookup LIKE 'hou%')",
                      tweak=f"'{day}' AS game_date"))


BREAKS = [
    # The incident: a postponed game left "Final" with NULL scores.
    Case("final-without-score", sql(f"UPDATE {SCHEDULE} SET home_team_score = NULL WHERE game_date = '2024-11-06' "
                                    "AND game_status = 3"), ["2024-11-06"], "final without a score (1 on the date)"),
    # The same id final on 2024-11-05 and 2024-11-10: the later date is where it is final again.
    Case("same-id-final-on-two-dates", final_again_on("2024-11-05"), ["2024-11-10"],
         "final again (also final on 2024-11-05)"),
    Case("stuck-live", latest_scrape(2, "2024-11-10T16:31:00"), ["2024-11-10"],
         "still live more than 6 h after tip-off"),
    Case("two-dates", all_of(
        latest_scrape(2, "2024-10-30T23:00:00", "game_date = '2024-10-30' AND game_status = 3"),
        sql(f"UPDATE {SCHEDULE} SET away_team_score = NULL WHERE game_date = '2025-04-20' AND game_status = 3")),
        ["2024-10-30", "2025-04-20"], "still live more than 6 h after tip-off"),
]

NEAR_MISSES = [
    # A postponed game keeps its id: its old date (2024-11-03) last scraped as scheduled before that tip-off.
    Case("postponed-id-moved-to-a-later-date", sql(
        f"INSERT INTO {SCHEDULE} SELECT game_id, '2024-11-03', season_year, 1, is_regular_season, is_playoffs, "
        "is_all_star, playoff_round, home_team_tricode, away_team_tricode, '2024-11-02T18:00:00', NULL, NULL, "
        f"'2024-11-03T10:30:00' FROM {SCHEDULE} WHERE game_date = '2024-11-06' AND game_status = 3")),
    # Live 5 h and exactly 6 h after tip-off: not yet stuck (and not counted in E(d): the gamebook still has it).
    Case("live-5-hours-after-tipoff", latest_scrape(2, "2024-11-10T15:30:00")),
    Case("live-exactly-6-hours-after-tipoff", latest_scrape(2, "2024-11-10T16:30:00")),
    # A final scrape repeated later with the same score is one final game.
    Case("final-scraped-twice", dup(SCHEDULE, FINAL_ROW, tweak="'2024-11-11T06:45:00' AS processed_at")),
]


def _raw(house) -> tuple[dict, dict]:
    doc = run_checkpoint(str(house.root), "raw")
    warn, error = entries(doc, "raw.schedule_integrity")
    assert (error["severity"], warn["severity"], error["remediation"], warn["remediation"]) == \
        ("error", "warn", None, None)
    return error, warn


def scheduled_after_tipoff_warns(house):
    """POSTPONED_ID_REUSED: 2024-11-06's id scheduled on 2024-11-03, scraped so on 2024-11-07: a warning only."""
    POSTPONED_ID_REUSED(house)
    error, warn = _raw(house)
    assert (error["failing_dates"], warn["failing_dates"], warn["success"]) == ([], ["2024-11-03"], False)
    assert "still scheduled after its tip-off (1 on the date)" in warn["reasons"]["2024-11-03"]


def if_necessary_game_never_played_warns(house):
    """The unplayed 2025-04-22 playoff game scraped after its tip-off, still scheduled."""
    sql(f"UPDATE {SCHEDULE} SET processed_at = '2025-04-22T23:00:00' WHERE game_date = '2025-04-22' "
        "AND processed_at = '2025-04-21T13:00:00'")(house)
    error, warn = _raw(house)
    assert (error["failing_dates"], warn["failing_dates"]) == ([], ["2025-04-22"])


def _completeness(house) -> list[str]:
    doc = run_checkpoint(str(house.root), "analytics")
    return entries(doc, "analytics.completeness")[0]["failing_dates"]


def stuck_live_game_still_expected(house):
    """E(d) counts a stuck live game: its missing analytics rows fail analytics.completeness."""
    all_of(latest_scrape(2, "2024-11-10T20:00:00"), delete(PGS, "game_id = '20241110_SAS_HOU'"))(house)
    assert _completeness(house) == ["2024-11-10"]


def stuck_live_game_with_its_rows_is_complete(house):
    """...and its rows under its canonical id count for it: only raw.schedule_integrity fails."""
    latest_scrape(2, "2024-11-10T20:00:00")(house)
    assert _completeness(house) == []


def scheduled_after_tipoff_not_expected(house):
    """A game still scheduled after its tip-off is not in E(d): no analytics rows owed for it."""
    all_of(latest_scrape(1, "2024-11-10T20:00:00"), delete(PGS, "game_id = '20241110_SAS_HOU'"))(house)
    assert _completeness(house) == []


CHECKS = [scheduled_after_tipoff_warns, if_necessary_game_never_played_warns, stuck_live_game_still_expected,
          stuck_live_game_with_its_rows_is_complete, scheduled_after_tipoff_not_expected]
