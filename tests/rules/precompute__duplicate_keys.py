"""precompute.duplicate_keys: the player key is unique in every Phase 4 player table: (game_date, player_lookup) in
player_composite_factors and ml_feature_store_v2, (analysis_date, player_lookup) in player_shot_zone_analysis,
(cache_date, player_lookup) in player_daily_cache. The reason names the tables."""

from tests.rules.breakers import PCF, Case, all_of, dup

PSZ = "nba_precompute.player_shot_zone_analysis"
PDC = "nba_precompute.player_daily_cache"
MLF = "nba_predictions.ml_feature_store_v2"

BREAKS = [
    Case("phase4-duplicate-key", dup(PCF, "game_date = '2025-04-20' AND player_lookup = 'bosplayer2'"),
         ["2025-04-20"], "1 duplicated keys, 1 extra rows in 1 table(s), first: player_composite_factors"),
    Case("shot-zone-duplicate-key", dup(PSZ, "analysis_date = '2024-11-06' AND player_lookup = 'miarole1'"),
         ["2024-11-06"], "1 duplicated keys, 1 extra rows in 1 table(s), first: player_shot_zone_analysis"),
    Case("daily-cache-copied-twice-over", all_of(dup(PDC, "cache_date = '2024-11-10' AND player_lookup = 'dalrole2'"),
                                                   dup(PDC, "cache_date = '2024-11-10' AND player_lookup = 'dalrole2'")),
         ["2024-11-10"], "1 duplicated keys, 3 extra rows in 1 table(s), first: player_daily_cache"),
    # The feature store duplicated on a date (an incident), and on a bootstrap date too: every date is checked.
    Case("feature-store-date-duplicated", all_of(dup(MLF, "game_date = '2024-11-05'"),
                                                 dup(MLF, "game_date = '2024-10-30'")),
         ["2024-10-30", "2024-11-05"], "16 duplicated keys, 16 extra rows in 1 table(s), first: ml_feature_store_v2"),
    Case("two-tables-one-date", all_of(dup(PCF, "game_date = '2025-04-15' AND player_lookup = 'atlplayer1'"),
                                       dup(MLF, "game_date = '2025-04-15' AND player_lookup = 'chiplayer1'")),
         ["2025-04-15"], "2 duplicated keys, 2 extra rows in 2 table(s), first: ml_feature_store_v2"),
]

NEAR_MISSES = [
    # The same player on another date, and another player on the same date, are no duplicates.
    Case("same-player-other-date", dup(PSZ, "analysis_date = '2024-11-06' AND player_lookup = 'miarole1'",
                                       "'2024-11-07' AS analysis_date")),
    Case("other-player-same-date", dup(PDC, "cache_date = '2024-11-10' AND player_lookup = 'dalrole2'",
                                       "'dalrole9' AS player_lookup")),
]
