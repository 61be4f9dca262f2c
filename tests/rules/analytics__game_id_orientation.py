"""analytics.game_id_orientation: every game id in player_game_summary and the two team tables is the system id
YYYYMMDD_AWAY_HOME of a game of the deduplicated schedule on the row's date. The incident: a game written under
its reversed (HOME_AWAY) id as well, so it looked like a second game. A game written *only* under a reversed id
is also missing for analytics.completeness, which counts canonical ids only (see CHECKS)."""

from nbadq.validation import run_checkpoint
from tests.rules.breakers import POSTPONED_ID_REUSED, PGS, Case, all_of, dup, entries, sql

OFFENSE = "nba_analytics.team_offense_game_summary"
DEFENSE = "nba_analytics.team_defense_game_summary"
GAMEBOOK = "nba_raw.nbac_gamebook_player_stats"
RULE = "analytics.game_id_orientation"

BREAKS = [
    Case("pgs-game-twice-under-reversed-id",
         dup(PGS, "game_date = '2024-11-06'", "'20241106_ORL_MIA' AS game_id"), ["2024-11-06"],
         "1 non-canonical game id(s); first: 20241106_ORL_MIA in player_game_summary is reversed "
         "(schedule: MIA at ORL)"),
    Case("team-tables-twice-under-reversed-id",
         all_of(dup(OFFENSE, "game_id = '20241110_PHX_DAL'", "'20241110_DAL_PHX' AS game_id"),
                dup(DEFENSE, "game_id = '20241110_PHX_DAL'", "'20241110_DAL_PHX' AS game_id")), ["2024-11-10"],
         "2 non-canonical game id(s); first: 20241110_DAL_PHX in team_defense_game_summary is reversed "
         "(schedule: PHX at DAL)"),
    Case("nba-com-id-in-a-system-id-column",
         dup(PGS, "game_id = '20241105_GSW_LAC'",
             f"(SELECT MIN(g.game_id) FROM {GAMEBOOK} AS g WHERE g.game_date = '2024-11-05' AND g.team_abbr = 'GSW')"
             " AS game_id"), ["2024-11-05"],
         "0022400006 in player_game_summary is an NBA.com id, not YYYYMMDD_AWAY_HOME (schedule: GSW at LAC)"),
    # The play-in game's rows copied under the previous day's id: teams right, date wrong, so no game of that date.
    Case("id-of-another-date", dup(PGS, "game_date = '2025-04-15'", "'20250414_ATL_CHI' AS game_id"),
         ["2025-04-15"], "20250414_ATL_CHI in player_game_summary is no game of the schedule on that date"),
    Case("two-dates-bootstrap-and-playoffs",
         all_of(dup(PGS, "game_id = '20241022_MIN_LAL'", "'20241022_LAL_MIN' AS game_id"),
                dup(OFFENSE, "game_id = '20250420_NYK_BOS'", "'20250420_BOS_NYK' AS game_id")),
         ["2024-10-22", "2025-04-20"], "20241022_LAL_MIN in player_game_summary is reversed (schedule: MIN at LAL)"),
]

NEAR_MISSES = [
    # NBA.com keeps a postponed game's id: the same id, scheduled (never played) on an earlier date and scraped
    # later than the final, is another (game_id, game_date) and leaves 2024-11-06's game final and canonical.
    Case("postponed-id-reused-on-another-date", POSTPONED_ID_REUSED),
    # Another scrape of the day (append-only schedule) changes no game's id.
    Case("repeated-scrapes", sql("INSERT INTO nba_raw.nbac_schedule SELECT * FROM nba_raw.nbac_schedule "
                                 "WHERE game_date = '2024-11-05'")),
]


def _failing(doc, rule):
    return [d for e in entries(doc, rule) for d in e["failing_dates"]]


def reversed_only_fails_completeness_too(house):
    """The game of 2024-11-06 written only under its reversed id: not canonical, and not there for completeness."""
    sql(f"UPDATE {PGS} SET game_id = '20241106_ORL_MIA' WHERE game_date = '2024-11-06'")(house)
    doc = run_checkpoint(str(house.root), "analytics")
    failing = {e["rule"]: e["failing_dates"] for e in doc["layers"]["analytics"]["expectations"] if e["failing_dates"]}
    assert failing == {RULE: ["2024-11-06"], "analytics.completeness": ["2024-11-06"]}
    orientation, = entries(doc, RULE)
    assert orientation["reasons"] == {"2024-11-06": "1 non-canonical game id(s); first: 20241106_ORL_MIA in "
                                                    "player_game_summary is reversed (schedule: MIA at ORL)"}
    completeness, = entries(doc, "analytics.completeness")
    assert completeness["reasons"] == {"2024-11-06": "0 of 1 games"}


def team_tables_reversed_only_break_the_team_grain_too(house):
    """The incident itself: team tables written under HOME_AWAY ids. The game has no team rows under its id."""
    for table in (OFFENSE, DEFENSE):
        sql(f"UPDATE {table} SET game_id = '20241110_DAL_PHX' WHERE game_id = '20241110_PHX_DAL'")(house)
    doc = run_checkpoint(str(house.root), "analytics")
    failing = {e["rule"]: e["failing_dates"] for e in doc["layers"]["analytics"]["expectations"] if e["failing_dates"]}
    assert failing == {RULE: ["2024-11-10"], "analytics.team_grain": ["2024-11-10"]}


CHECKS = [reversed_only_fails_completeness_too, team_tables_reversed_only_break_the_team_grain_too]
