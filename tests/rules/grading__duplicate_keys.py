"""grading.duplicate_keys: (player_lookup, game_id, system_id) is unique in prediction_accuracy."""

from tests.rules.breakers import ACC, Case, dup

BREAKS = [
    Case("grading-duplicate", dup(ACC, "game_date = '2025-04-15' AND player_lookup = 'atlplayer1'"), ["2025-04-15"],
         "2 duplicated keys"),
]

NEAR_MISSES: list[Case] = []
