"""analytics.duplicate_keys: (game_id, player_lookup) is unique in player_game_summary."""

from tests.rules.breakers import PGS, Case, dup

BREAKS = [
    Case("analytics-duplicate-row", dup(PGS, "game_date = '2024-11-10' AND player_lookup = 'phxplayer1'"),
         ["2024-11-10"], "1 duplicated keys, 1 extra rows"),
]

NEAR_MISSES: list[Case] = []
