"""analytics.player_reconciliation: on each game date, every active gamebook player of a counted game has a
player_game_summary row on that date (0 missing).

Only games present in player_game_summary under their canonical id are judged (a game without rows is
analytics.completeness's: see CHECKS). The mini warehouse's games have 16 active gamebook players each (two players
and six role players a team), every one of them in player_game_summary: 2024-11-05 has 32 (two games), 2024-11-06
has 16. A team losing one role player's row keeps 210 minutes, above analytics.team_grain's 200, so the cases below
fail this rule alone."""

from nbadq.validation import run_checkpoint
from tests.rules.breakers import PGS, Case, all_of, delete, dup, entries, sql
from tests.rules.raw__schedule_integrity import latest_scrape

GAMEBOOK = "nba_raw.nbac_gamebook_player_stats"
RULE = "analytics.player_reconciliation"


def _drop(day: str, player: str):
    return delete(PGS, f"game_date = '{day}' AND player_lookup = '{player}'")


def _gamebook_row(day: str, player: str, status: str):
    """One more gamebook row of `day`, in the date's first game of the schedule, for a player analytics lacks."""
    game_id = f"(SELECT MIN(game_id) FROM nba_raw.nbac_schedule WHERE game_date = '{day}')"
    minutes = "'12:00'" if status == "active" else "NULL"
    return sql(f"INSERT INTO {GAMEBOOK} (game_id, game_date, season_year, player_lookup, team_abbr, player_status, "
               f"minutes, points) VALUES ({game_id}, '{day}', 2024, '{player}', 'BOS', '{status}', {minutes}, 4)")


BREAKS = [
    # The incident: players dropped between raw and analytics while every game is present.
    Case("one-active-player-dropped", _drop("2024-11-05", "nykrole2"), ["2024-11-05"],
         "1 of 32 active gamebook players missing from player_game_summary; first: nykrole2"),
    # A bootstrap date, a regular date and the playoffs; the first missing player by name.
    Case("three-dates", all_of(_drop("2024-10-22", "lalrole2"), _drop("2024-11-06", "miarole1"),
                               _drop("2024-11-06", "orlrole5"), _drop("2025-04-20", "bosrole3")),
         ["2024-10-22", "2024-11-06", "2025-04-20"],
         "1 of 32 active gamebook players missing from player_game_summary; first: lalrole2"),
    # An active player the gamebook has and analytics never wrote.
    Case("gamebook-player-never-processed", _gamebook_row("2024-11-10", "bosrookie", "active"), ["2024-11-10"],
         "1 of 33 active gamebook players missing from player_game_summary; first: bosrookie"),
    # A game stuck live (latest scrape 9.5 h after its 10:30 tip-off) was played and counts: its players are owed.
    Case("stuck-live-game-player-dropped", all_of(latest_scrape(2, "2024-11-10T20:00:00"),
                                                  _drop("2024-11-10", "hourole2")), ["2024-11-10"],
         "1 of 32 active gamebook players missing from player_game_summary; first: hourole2"),
]

NEAR_MISSES = [
    # Inactive and DNP players are not owed a played row.
    Case("inactive-and-dnp-not-owed", all_of(_gamebook_row("2024-11-05", "bosinjured", "inactive"),
                                             _gamebook_row("2024-11-06", "miabench9", "dnp"))),
    # A gamebook row scraped twice is one player.
    Case("gamebook-row-scraped-twice", dup(GAMEBOOK, "game_date = '2024-11-06' AND player_lookup = 'miarole1'")),
    # Preseason games and games not played (2025-04-22's is still scheduled) are not counted: players not owed.
    Case("preseason-and-unplayed-games", all_of(_gamebook_row("2024-10-10", "bosrookie", "active"),
                                                _gamebook_row("2025-04-22", "bosrookie", "active"))),
    # A game live only 5 h after tip-off is not counted yet (maybe still playing): its players are not judged.
    Case("live-5-hours-after-tipoff-not-judged", all_of(latest_scrape(2, "2024-11-10T15:30:00"),
                                                        _drop("2024-11-10", "hourole2"))),
    # A player counted once per date, whatever game his player_game_summary row is under.
    Case("player-row-under-the-other-game-of-the-date", sql(
        f"UPDATE {PGS} SET game_id = '20241110_SAS_HOU' WHERE game_date = '2024-11-10' "
        "AND player_lookup = 'phxplayer1'")),
]


def missing_game_is_completeness_alone(house):
    """A Phase 3 run that died part-way (a game without any player_game_summary row) is analytics.completeness's
    finding: its players are not judged here, while a game still present is (one more player dropped there)."""
    delete(PGS, "game_id = '20241105_GSW_LAC'")(house)
    _drop("2024-11-05", "nykrole2")(house)
    doc = run_checkpoint(str(house.root), "analytics")
    failing = {e["rule"]: e["failing_dates"] for e in doc["layers"]["analytics"]["expectations"] if e["failing_dates"]}
    assert failing == {RULE: ["2024-11-05"], "analytics.completeness": ["2024-11-05"]}
    reconciliation, = entries(doc, RULE)
    assert reconciliation["reasons"] == {"2024-11-05": "1 of 16 active gamebook players missing from "
                                                       "player_game_summary; first: nykrole2"}


def reversed_only_game_is_orientation_s(house):
    """A game written only under its reversed id is not present under its canonical id: its players are
    analytics.game_id_orientation's and analytics.completeness's, not this rule's."""
    sql(f"UPDATE {PGS} SET game_id = '20241106_ORL_MIA' WHERE game_date = '2024-11-06'")(house)
    delete(PGS, "game_date = '2024-11-06' AND player_lookup = 'miarole1'")(house)
    doc = run_checkpoint(str(house.root), "analytics")
    failing = {e["rule"]: e["failing_dates"] for e in doc["layers"]["analytics"]["expectations"] if e["failing_dates"]}
    assert RULE not in failing and failing["analytics.completeness"] == ["2024-11-06"]


CHECKS = [missing_game_is_completeness_alone, reversed_only_game_is_orientation_s]
