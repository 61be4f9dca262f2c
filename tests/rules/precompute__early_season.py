"""precompute.early_season: on bootstrap dates the rolling-window tables are empty and the two others hold only
early_season_flag = TRUE placeholder rows."""

from tests.rules.breakers import PCF, Case, all_of, dup, sql

BREAKS = [
    # A row copied to the bootstrap date, under that date's game id (precompute.game_id_orientation stays quiet).
    Case("bootstrap-rows-written", all_of(
        dup(PCF, "game_date = '2024-11-05' AND player_lookup = 'bosplayer1'", tweak="'2024-10-30' AS game_date"),
        sql(f"UPDATE {PCF} SET game_id = '20241030_DEN_OKC' WHERE game_date = '2024-10-30'")),
         ["2024-10-30"], "1 composite"),
    Case("bootstrap-placeholder-unflagged", sql("UPDATE nba_precompute.team_defense_zone_analysis "
                                                "SET early_season_flag = 0 "
                                                "WHERE analysis_date = '2024-10-22' AND team_abbr = 'BOS'"),
         ["2024-10-22"], "1 unflagged placeholder rows"),
]

NEAR_MISSES: list[Case] = []
