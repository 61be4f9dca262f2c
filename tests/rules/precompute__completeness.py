"""precompute.completeness: each of the five Phase 4 tables has a row on every processable date."""

from tests.rules.breakers import PHASE4, Case, all_of, delete

BREAKS = [
    Case("phase4-table-missing", delete("nba_precompute.player_daily_cache", "cache_date = '2024-11-06'"),
         ["2024-11-06"], "missing: player_daily_cache"),
    Case("phase4-date-missing", all_of(*(delete(t, f"{c} = '2025-04-15'") for t, c in PHASE4.items())),
         ["2025-04-15"], "missing: player_composite_factors, player_shot_zone_analysis, team_defense_zone_analysis, "
                         "player_daily_cache, ml_feature_store_v2"),
]

NEAR_MISSES = [
    # Season days 0-13 are the bootstrap period: the rolling-window tables are empty there by design.
    Case("bootstrap-phase4-empty-is-by-design", delete("nba_precompute.player_daily_cache",
                                                       "cache_date < '2024-11-05'")),
]
