"""precompute.game_id_orientation: every game id in player_composite_factors and ml_feature_store_v2 is the system
id YYYYMMDD_AWAY_HOME of a game of the deduplicated schedule on the row's game_date (the analytics rule's check, for
the Phase 4 tables that key on game_id)."""

from tests.rules.breakers import POSTPONED_ID_REUSED, PCF, Case, all_of, sql

FEATURES = "nba_predictions.ml_feature_store_v2"

BREAKS = [
    # Phase 4 built from a Phase 3 date written under HOME_AWAY ids carries the reversed id on.
    Case("composite-factors-reversed",
         sql(f"UPDATE {PCF} SET game_id = '20241106_ORL_MIA' WHERE game_date = '2024-11-06'"), ["2024-11-06"],
         "1 non-canonical game id(s); first: 20241106_ORL_MIA in player_composite_factors is reversed "
         "(schedule: MIA at ORL)"),
    Case("feature-store-nba-com-id",
         sql(f"UPDATE {FEATURES} SET game_id = (SELECT MIN(g.game_id) FROM nba_raw.nbac_gamebook_player_stats AS g "
             "WHERE g.game_date = '2024-11-10' AND g.team_abbr = 'PHX') WHERE game_date = '2024-11-10'"),
         ["2024-11-10"], "0022400008 in ml_feature_store_v2 is an NBA.com id, not YYYYMMDD_AWAY_HOME "
                         "(schedule: PHX at DAL)"),
    # A bootstrap date's placeholder rows count too; and an id of the day before is no game of this date.
    Case("two-dates-bootstrap-placeholder-and-wrong-date",
         all_of(sql(f"UPDATE {FEATURES} SET game_id = '20241029_DEN_OKC' WHERE game_date = '2024-10-30'"),
                sql(f"UPDATE {PCF} SET game_id = '20250419_NYK_BOS' WHERE game_date = '2025-04-20' "
                    "AND player_lookup = 'nykplayer1'")),
         ["2024-10-30", "2025-04-20"], "20241029_DEN_OKC in ml_feature_store_v2 is no game of the schedule on that "
                                       "date"),
]

NEAR_MISSES = [
    # NBA.com keeps a postponed game's id: the id of 2024-11-06's game scheduled (never played) on 2024-11-03 and
    # scraped after the final is another (game_id, game_date); 2024-11-06's rows keep a canonical id.
    Case("postponed-id-reused-on-another-date", POSTPONED_ID_REUSED),
]
