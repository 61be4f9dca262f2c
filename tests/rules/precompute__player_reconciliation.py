"""precompute.player_reconciliation: on processable dates, distinct players in player_composite_factors >= 90% of
player_game_summary's played players, and in ml_feature_store_v2 >= 95% of player_composite_factors'.

The mini warehouse's games have 16 played players each (and one DNP) and every one of them has composite factors
and a feature-store row: 2024-11-05 has 32 (two games), 2024-11-06 has 16."""

from tests.rules.breakers import PCF, PGS, Case, delete, dup, sql

MLF = "nba_predictions.ml_feature_store_v2"


def _drop(table: str, day: str, *players: str) -> object:
    names = ", ".join(f"'{p}'" for p in players)
    return delete(table, f"game_date = '{day}' AND player_lookup IN ({names})")


BREAKS = [
    # Phase 4 keeping 1 player of the date's 32.
    Case("composite-keeps-one-player", delete(PCF, "game_date = '2024-11-05' AND player_lookup <> 'bosplayer1'"),
         ["2024-11-05"], "player_composite_factors short: 1 composite-factor players of 32 played in "
                         "player_game_summary, 32 in the feature store"),
    # 4 of 32 missing: 28 < 28.8.
    Case("composite-misses-4-of-32", _drop(PCF, "2024-11-05", "bosrole1", "bosrole2", "bosrole3", "bosrole4"),
         ["2024-11-05"], "player_composite_factors short: 28 composite-factor players of 32"),
    # 2 of 32 composite players without features: 30 < 30.4.
    Case("feature-store-misses-2-of-32", _drop(MLF, "2024-11-05", "bosrole1", "bosrole2"), ["2024-11-05"],
         "ml_feature_store_v2 short: 32 composite-factor players of 32 played in player_game_summary, "
         "30 in the feature store"),
    # Playoffs, and the feature store almost empty.
    Case("feature-store-keeps-one-in-the-playoffs", delete(MLF, "game_date = '2025-04-20' AND player_lookup <> "
                                                                "'nykplayer1'"),
         ["2025-04-20"], "ml_feature_store_v2 short: 16 composite-factor players of 16 played in "
                         "player_game_summary, 1 in the feature store"),
]

NEAR_MISSES = [
    # 3 of 32 missing: 29 >= 28.8.
    Case("composite-misses-3-of-32", _drop(PCF, "2024-11-05", "bosrole1", "bosrole2", "bosrole3")),
    # 1 of 32 without features: 31 >= 30.4.
    Case("feature-store-misses-1-of-32", _drop(MLF, "2024-11-05", "bosrole1")),
    # DNP players are not owed composite factors, however many there are.
    Case("dnp-players-are-not-owed", dup(PGS, "game_date = '2024-11-06' AND is_dnp = 1",
                                         "player_lookup || '_x' AS player_lookup")),
    # More feature-store players than composite ones is no shortfall.
    Case("extra-feature-rows-are-no-shortfall", dup(MLF, "game_date = '2024-11-06'",
                                                   "player_lookup || 'x' AS player_lookup")),
    # Bootstrap dates hold no composite factors by design: nothing to reconcile.
    Case("bootstrap-not-judged", delete(MLF, "game_date = '2024-10-30'")),
    # A player counted once per date, whatever his rows in player_game_summary (a traded player, two games).
    Case("played-players-are-counted-once", sql(
        f"UPDATE {PGS} SET game_id = '20241110_PHX_DAL', team_abbr = 'DAL' WHERE game_date = '2024-11-10' "
        "AND player_lookup = 'houplayer1'")),
]
