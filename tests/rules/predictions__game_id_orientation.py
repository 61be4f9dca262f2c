"""predictions.game_id_orientation: every active prediction's game id is the system id YYYYMMDD_AWAY_HOME of a game
of the deduplicated schedule on the row's game_date (the analytics rule's check, for player_prop_predictions).

A game predicted only under a wrong id is also missing for predictions.completeness, which counts canonical ids only
(see CHECKS); the breaks below keep each game's canonical predictions and add rows under a wrong id."""

from nbadq.validation import run_checkpoint
from tests.rules.breakers import POSTPONED_ID_REUSED, PRED, Case, all_of, dup, entries, sql

RULE = "predictions.game_id_orientation"


def _copy(where: str, game_id: str):
    """The matching predictions written again under `game_id` (SQL), as a second batch with new prediction ids."""
    return all_of(dup(PRED, where, f"{game_id} AS game_id"),
                  sql(f"UPDATE {PRED} SET prediction_id = prediction_id || '-again' WHERE rowid IN "
                      f"(SELECT MAX(rowid) FROM {PRED} GROUP BY prediction_id HAVING COUNT(*) > 1)"))


BREAKS = [
    # The incident: a game keyed on HOME_AWAY as well, so it looks like a second game.
    Case("predicted-again-under-reversed-id",
         _copy("game_date = '2024-11-06' AND player_lookup = 'miaplayer1'", "'20241106_ORL_MIA'"), ["2024-11-06"],
         "1 non-canonical game id(s); first: 20241106_ORL_MIA in player_prop_predictions is reversed "
         "(schedule: MIA at ORL)"),
    Case("nba-com-id", _copy("game_id = '20241105_GSW_LAC' AND player_lookup = 'gswplayer1'",
                             "(SELECT MIN(g.game_id) FROM nba_raw.nbac_gamebook_player_stats AS g "
                             "WHERE g.game_date = '2024-11-05' AND g.team_abbr = 'GSW')"), ["2024-11-05"],
         "0022400006 in player_prop_predictions is an NBA.com id, not YYYYMMDD_AWAY_HOME (schedule: GSW at LAC)"),
    # The play-in game's predictions copied under the previous day's id; and the playoffs reversed.
    Case("two-dates", all_of(
        _copy("game_date = '2025-04-15' AND player_lookup = 'atlplayer1'", "'20250414_ATL_CHI'"),
        _copy("game_date = '2025-04-20' AND player_lookup = 'nykplayer2'", "'20250420_BOS_NYK'")),
        ["2025-04-15", "2025-04-20"],
        "20250414_ATL_CHI in player_prop_predictions is no game of the schedule on that date"),
]

NEAR_MISSES = [
    Case("postponed-id-reused-on-another-date", POSTPONED_ID_REUSED),
    # Inactive rows are history: a superseded prediction under a wrong id is not judged.
    Case("inactive-row-under-reversed-id", all_of(
        _copy("game_date = '2024-11-06' AND player_lookup = 'miaplayer1' AND system_id = 'catboost_v8'",
              "'20241106_ORL_MIA'"),
        sql(f"UPDATE {PRED} SET is_active = 0 WHERE game_id = '20241106_ORL_MIA'"))),
]


def predicted_only_under_reversed_id_fails_completeness_too(house):
    """The game of 2024-11-06 predicted only under its reversed id: not canonical, and not predicted for
    predictions.completeness."""
    sql(f"UPDATE {PRED} SET game_id = '20241106_ORL_MIA' WHERE game_date = '2024-11-06'")(house)
    doc = run_checkpoint(str(house.root), "predictions")
    failing = {e["rule"]: e["failing_dates"] for e in doc["layers"]["predictions"]["expectations"]
               if e["failing_dates"]}
    assert failing == {RULE: ["2024-11-06"], "predictions.completeness": ["2024-11-06"]}
    completeness, = entries(doc, "predictions.completeness")
    assert completeness["reasons"] == {"2024-11-06": "0 of 1 games predicted"}


CHECKS = [predicted_only_under_reversed_id_fails_completeness_too]
