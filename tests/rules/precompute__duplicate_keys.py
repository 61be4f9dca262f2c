"""precompute.duplicate_keys: (game_date, player_lookup) is unique in player_composite_factors."""

from tests.rules.breakers import PCF, Case, dup

BREAKS = [
    Case("phase4-duplicate-key", dup(PCF, "game_date = '2025-04-20' AND player_lookup = 'bosplayer2'"),
         ["2025-04-20"], "1 duplicated keys"),
]

NEAR_MISSES: list[Case] = []
