"""analytics.team_grain: per counted game (final, or stuck live), one team_offense and one team_defense row for
each of its two schedule teams under its canonical id, points 70-180 and never 0 (nor fg_attempts 0), and each team's
minutes in player_game_summary >= 180 (error) and >= 200 (warn), 25 more per overtime inferred from the game's
minutes.

The mini warehouse's teams play 240 minutes: eight played players of 30 minutes (two `player`s and six `role`s).
The warn expectation never fails the run, so its cases are CHECKS."""

from nbadq.validation import run_checkpoint
from tests.rules.breakers import PGS, Case, all_of, delete, dup, entries, null, sql
from tests.rules.raw__schedule_integrity import latest_scrape

OFFENSE = "nba_analytics.team_offense_game_summary"
DEFENSE = "nba_analytics.team_defense_game_summary"
RULE = "analytics.team_grain"


def _drop(day: str, *players: str):
    """These players missing from the box score itself (gamebook and player_game_summary): the team's minutes fall
    short while analytics still holds every gamebook player (else it is analytics.player_reconciliation's too)."""
    names = ", ".join(f"'{p}'" for p in players)
    where = f"game_date = '{day}' AND player_lookup IN ({names})"
    return all_of(delete(PGS, where), delete("nba_raw.nbac_gamebook_player_stats", where))


def _overtime(day: str, *players: str):
    """These players' 30 minutes become 55: their team plays 265 minutes (one overtime)."""
    names = ", ".join(f"'{p}'" for p in players)
    return sql(f"UPDATE {PGS} SET minutes_played = 55.0 WHERE game_date = '{day}' AND player_lookup IN ({names})")


BREAKS = [
    Case("offense-row-missing", delete(OFFENSE, "game_id = '20241105_NYK_BOS' AND team_abbr = 'NYK'"),
         ["2024-11-05"], "1 problem(s); first: 20241105_NYK_BOS: team_offense_game_summary has 1 row(s) for "
                         "BOS/BOS, expected one each for NYK and BOS"),
    # The team scraper silent for a day: both games of the date lack their defense rows.
    Case("defense-date-empty", delete(DEFENSE, "game_date = '2024-11-10'"), ["2024-11-10"],
         "2 problem(s); first: 20241110_PHX_DAL: team_defense_game_summary has 0 row(s) for -/-, expected one "
         "each for PHX and DAL"),
    Case("team-rows-duplicated", dup(OFFENSE, "game_date = '2024-10-22'"), ["2024-10-22"],
         "2 problem(s); first: 20241022_MIN_LAL: team_offense_game_summary has 4 row(s) for LAL/MIN"),
    Case("row-of-a-team-not-in-the-game",
         sql(f"UPDATE {OFFENSE} SET team_abbr = 'TOR' WHERE game_id = '20241106_MIA_ORL' AND team_abbr = 'ORL'"),
         ["2024-11-06"], "20241106_MIA_ORL: team_offense_game_summary has 2 row(s) for MIA/TOR, expected one "
                         "each for MIA and ORL"),
    Case("points-scored-zero",
         sql(f"UPDATE {OFFENSE} SET points_scored = 0 WHERE game_id = '20241110_PHX_DAL' AND team_abbr = 'DAL'"),
         ["2024-11-10"], "20241110_PHX_DAL: a team_offense_game_summary row has points_scored or fg_attempts 0"),
    Case("fg-attempts-zero-in-the-playoffs",
         sql(f"UPDATE {OFFENSE} SET fg_attempts = 0 WHERE game_id = '20250420_NYK_BOS' AND team_abbr = 'NYK'"),
         ["2025-04-20"], "20250420_NYK_BOS: a team_offense_game_summary row has points_scored or fg_attempts 0"),
    Case("points-above-180",
         sql(f"UPDATE {OFFENSE} SET points_scored = 190 WHERE game_id = '20241105_NYK_BOS' AND team_abbr = 'BOS'"),
         ["2024-11-05"], "20241105_NYK_BOS: team points 102-190, outside 70-180"),
    Case("points-allowed-below-70",
         sql(f"UPDATE {DEFENSE} SET points_allowed = 65 WHERE game_id = '20250415_ATL_CHI' "
             "AND defending_team_abbr = 'CHI'"),
         ["2025-04-15"], "20250415_ATL_CHI: team points 65-114, outside 70-180"),
    # 3 of a team's 8 players missing from the box score: 150 minutes.
    Case("players-dropped-under-180", _drop("2024-11-06", "miarole4", "miarole5", "miarole6"), ["2024-11-06"],
         "1 problem(s); first: 20241106_MIA_ORL: MIA played 150 minutes in player_game_summary (< 180)"),
    # A stale box-score source: nobody played more than 10 minutes.
    Case("stale-boxscore-10-minutes-each",
         sql(f"UPDATE {PGS} SET minutes_played = 10.0 WHERE game_date = '2024-11-10' AND is_dnp = 0"),
         ["2024-11-10"], "4 problem(s); first: 20241110_PHX_DAL: DAL played 80 minutes in player_game_summary "
                         "(< 180)"),
    # PHX played an overtime (265 minutes), so DAL's 180 is partial: its bars are 205 and 225.
    Case("overtime-opponent-short",
         all_of(_overtime("2024-11-10", "phxrole1"), _drop("2024-11-10", "dalrole5", "dalrole6")), ["2024-11-10"],
         "20241110_PHX_DAL: DAL played 180 minutes in player_game_summary (< 205, 1 overtime(s) inferred)"),
    Case("two-dates-bootstrap-and-playoffs",
         all_of(delete(OFFENSE, "game_id = '20241030_DEN_OKC'"), _drop("2025-04-20", *(f"bosrole{i}" for i in
                                                                                        range(1, 7)))),
         ["2024-10-30", "2025-04-20"], "20241030_DEN_OKC: team_offense_game_summary has 0 row(s) for -/-"),
    # A game stuck live (latest scrape 9.5 h after its 10:30 tip-off) was played and counts, as in E(d): its
    # missing team rows fail (raw.schedule_integrity reports the stale status).
    Case("stuck-live-game-team-rows-missing",
         all_of(latest_scrape(2, "2024-11-10T20:00:00"), delete(OFFENSE, "game_id = '20241110_SAS_HOU'")),
         ["2024-11-10"], "1 problem(s); first: 20241110_SAS_HOU: team_offense_game_summary has 0 row(s) for -/-, "
                         "expected one each for SAS and HOU"),
]

NEAR_MISSES = [
    Case("overtime-game-265-minutes", _overtime("2024-11-10", "phxrole1", "dalrole1")),
    # Exactly 200 minutes: at the warning bar, not under it.
    Case("regulation-200-minutes", all_of(_drop("2024-11-06", "miarole6"), sql(
        f"UPDATE {PGS} SET minutes_played = 20.0 WHERE game_date = '2024-11-06' AND player_lookup = 'miarole5'"))),
    Case("points-at-the-bounds", all_of(
        sql(f"UPDATE {OFFENSE} SET points_scored = 180 WHERE game_id = '20241105_NYK_BOS' AND team_abbr = 'BOS'"),
        sql(f"UPDATE {OFFENSE} SET points_scored = 70 WHERE game_id = '20241105_NYK_BOS' AND team_abbr = 'NYK'"))),
    # A played row without minutes: the team's total is unknown, not short (minutes_null_rate's business; one
    # row of 32 is under its 5%).
    Case("played-row-without-minutes-not-judged",
         null(PGS, "minutes_played", "game_date = '2024-11-05' AND player_lookup = 'nykrole1'")),
    # A team with a played row without minutes infers no overtime: NYK's known 335 minutes (five role players at
    # 55) do not raise BOS's bars, and BOS's 240 passes.
    Case("team-with-unknown-minutes-infers-no-overtime", all_of(
        null(PGS, "minutes_played", "game_date = '2024-11-05' AND player_lookup = 'nykrole1'"),
        _overtime("2024-11-05", *(f"nykrole{i}" for i in range(2, 7))))),
    # NBA.com reuses a postponed game's id: the id of 2024-11-06's game scheduled (never played) on 2024-11-03
    # and scraped after the final is another (game_id, game_date), not a second or missing game.
    Case("postponed-id-reused-on-another-date", sql(
        "INSERT INTO nba_raw.nbac_schedule SELECT game_id, '2024-11-03', season_year, 1, is_regular_season, "
        "is_playoffs, is_all_star, playoff_round, home_team_tricode, away_team_tricode, '2024-11-07T12:00:00', "
        "NULL, NULL, '2024-11-03T10:30:00' FROM nba_raw.nbac_schedule WHERE game_date = '2024-11-06' "
        "AND game_status = 3")),
    # Live only 5 h after tip-off: possibly still playing, not counted, so its team rows are not owed yet.
    Case("live-5-hours-after-tipoff-not-judged",
         all_of(latest_scrape(2, "2024-11-10T15:30:00"), delete(OFFENSE, "game_id = '20241110_SAS_HOU'"))),
    # A duplicated player row is analytics.duplicate_keys' defect; it adds no minutes here (checked in CHECKS).
]


def _team_grain(house, breaker):
    breaker(house)
    doc = run_checkpoint(str(house.root), "analytics")
    warn, error = entries(doc, RULE)
    assert (warn["severity"], error["severity"]) == ("warn", "error")
    others = {e["rule"]: e["failing_dates"] for e in doc["layers"]["analytics"]["expectations"] if e["rule"] != RULE}
    assert all(not days for days in others.values()), others
    return doc, warn, error


def warns_between_180_and_200(house):
    doc, warn, error = _team_grain(house, _drop("2024-11-06", "miarole5", "miarole6"))
    assert (warn["success"], warn["failing_dates"], error["success"], error["failing_dates"]) == (
        False, ["2024-11-06"], True, [])
    assert warn["reasons"] == {"2024-11-06": "1 team(s) under 200 minutes; first: 20241106_MIA_ORL: MIA played "
                                             "180 minutes in player_game_summary (< 200)"}
    layer = doc["layers"]["analytics"]
    assert (doc["success"], layer["failing_dates"], layer["warning_dates"]) == (True, [], ["2024-11-06"])


def overtime_raises_the_warning_bar(house):
    _, warn, error = _team_grain(house, all_of(_overtime("2024-11-10", "phxrole1"), _drop("2024-11-10", "dalrole6")))
    assert (warn["failing_dates"], error["failing_dates"]) == (["2024-11-10"], [])
    assert warn["reasons"]["2024-11-10"] == ("1 team(s) under 200 minutes; first: 20241110_PHX_DAL: DAL played 210 "
                                             "minutes in player_game_summary (< 225, 1 overtime(s) inferred)")


def duplicated_player_rows_add_no_minutes(house):
    """A team whose 150 minutes are written twice is still short (and the duplicate is duplicate_keys' finding)."""
    _drop("2024-11-06", "miarole4", "miarole5", "miarole6")(house)
    dup(PGS, "game_date = '2024-11-06' AND team_abbr = 'MIA'")(house)
    doc = run_checkpoint(str(house.root), "analytics")
    warn, error = entries(doc, RULE)
    assert (warn["failing_dates"], error["failing_dates"]) == ([], ["2024-11-06"])
    assert error["reasons"]["2024-11-06"] == ("1 problem(s); first: 20241106_MIA_ORL: MIA played 150 minutes in "
                                              "player_game_summary (< 180)")


CHECKS = [warns_between_180_and_200, overtime_raises_the_warning_bar, duplicated_player_rows_add_no_minutes]
