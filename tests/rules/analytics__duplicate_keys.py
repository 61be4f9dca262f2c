"""analytics.duplicate_keys: the key is unique in every Phase 3 player table, (game_id, player_lookup) in
player_game_summary and (game_date, player_lookup) in upcoming_player_game_context (the incident: duplicated context
rows). Duplicated team rows are analytics.team_grain's finding (tests/rules/analytics__team_grain.py)."""

from nbadq.validation import run_checkpoint
from tests.rules.breakers import PGS, Case, all_of, dup, entries

CONTEXT = "nba_analytics.upcoming_player_game_context"

BREAKS = [
    Case("analytics-duplicate-row", dup(PGS, "game_date = '2024-11-10' AND player_lookup = 'phxplayer1'"),
         ["2024-11-10"], "1 duplicated keys, 1 extra rows in 1 table(s), first: player_game_summary"),
    Case("context-row-written-twice", dup(CONTEXT, "game_date = '2024-11-06' AND player_lookup = 'miarole1'"),
         ["2024-11-06"], "1 duplicated keys, 1 extra rows in 1 table(s), first: upcoming_player_game_context"),
    # A bootstrap date's whole context appended again; both tables on another date.
    Case("context-date-twice-and-both-tables", all_of(
        dup(CONTEXT, "game_date = '2024-10-30'"),
        dup(PGS, "game_date = '2024-11-05' AND player_lookup = 'nykrole1'"),
        dup(CONTEXT, "game_date = '2024-11-05' AND player_lookup = 'gswrole2'")),
        ["2024-10-30", "2024-11-05"], "17 duplicated keys, 17 extra rows in 1 table(s), first: "
                                      "upcoming_player_game_context"),
]

NEAR_MISSES = [
    # The same player in the context of two dates is two keys.
    Case("context-player-on-another-date", dup(CONTEXT, "game_date = '2024-11-06' AND player_lookup = 'miarole1'",
                                               "'2024-11-10' AS game_date")),
]


def both_tables_on_one_date(house):
    """Two tables on one date: the reason counts both and names the first table by name."""
    dup(PGS, "game_date = '2024-11-05' AND player_lookup = 'nykrole1'")(house)
    dup(CONTEXT, "game_date = '2024-11-05' AND player_lookup IN ('gswrole2', 'gswrole3')")(house)
    rule, = entries(run_checkpoint(str(house.root), "analytics"), "analytics.duplicate_keys")
    assert rule["reasons"] == {"2024-11-05": "3 duplicated keys, 3 extra rows in 2 table(s), first: "
                                             "player_game_summary"}


CHECKS = [both_tables_on_one_date]
