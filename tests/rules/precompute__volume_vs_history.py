"""precompute.volume_vs_history: on processable dates, player_composite_factors' or ml_feature_store_v2's rows per
game under 70% of the average of the previous 28 processable dates of the season, or a NULL or zero share of
fatigue_score / feature_quality_score more than 10 points above its average, fails (7+ previous dates; shares on
50+ rows).

The clean house has 5 processable dates, too few to judge. `_busy_fortnight` adds 2024-11-11 .. 2024-11-18 with four
games each (64 rows a table and date) and their Phase 4 rows, so 2024-11-18 has 10 previous processable dates
(2024-11-05, -06, -10, -11 .. -17). The mini feature store keys every row of a date on its first game: here each
row gets its player's game, as the platform writes it. Breaks that raise a NULL share are CHECKS: over 5% NULL also
makes precompute.column_health warn."""

from tests.rules.breakers import PCF, Case, all_of, dup, history_and_health, null, sql
from tests.rules.analytics__volume_vs_history import FORTNIGHT, _busy_fortnight as _fortnight_games

FS = "nba_predictions.ml_feature_store_v2"


def _busy_fortnight(h) -> None:
    _fortnight_games(h)
    for day in FORTNIGHT:
        h.precompute(day, bootstrap=False)
    # Every mini fatigue_score is 50: 50+ rows of one value (with the extra players) would fail
    # precompute.column_health.
    h.sql(f"UPDATE {PCF} SET fatigue_score = 40 + LENGTH(player_lookup) % 20")
    h.sql(f"UPDATE {FS} SET game_id = (SELECT c.game_id FROM {PCF} AS c WHERE c.game_date = {FS}.game_date "
          f"AND c.player_lookup = {FS}.player_lookup) WHERE game_date IN (SELECT game_date FROM {PCF})")


def _extra_players(table: str, where: str, copies: int):
    """Two more rows per game and copy (each team's player1 under new names) on the dates matching `where`."""
    return all_of(*(dup(table, f"player_lookup LIKE '%player1' AND {where}",
                        f"player_lookup || 'x{i}' AS player_lookup") for i in range(1, copies + 1)))


def _rows_per_game(target: str, kept: int):
    """Every processable date but `target` gains 10 rows a game in both tables (26 a game); `target` gains
    2 x `kept`."""
    others = f"game_date <> '{target}' AND game_date >= '2024-11-05'"
    return all_of(*(_extra_players(t, others, 5) for t in (PCF, FS)),
                  *(_extra_players(t, f"game_date = '{target}'", kept) for t in (PCF, FS)))


def _set(table: str, column: str, value: str, day: str, rows: int):
    return sql(f"UPDATE {table} SET {column} = {value} WHERE rowid IN (SELECT rowid FROM {table} "
               f"WHERE game_date = '{day}' ORDER BY player_lookup LIMIT {rows})")


BREAKS = [
    # Phase 4 kept 16 players a game where the previous dates hold 26 (62%), in both tables.
    Case("rows-per-game-62-percent", all_of(_busy_fortnight, _rows_per_game("2024-11-18", 0)), ["2024-11-18"],
         "2 measure(s) off history; first: ml_feature_store_v2 rows per game 16, 62% of the 26 average of 10 "
         "previous processable dates"),
    # 8 of 64 fatigue scores 0: 12.5 points over the history's 0%.
    Case("fatigue-zero-share-12-points", all_of(_busy_fortnight, _set(PCF, "fatigue_score", "0", "2024-11-18", 8)),
         ["2024-11-18"], "1 measure(s) off history; first: fatigue_score 0 on 13% of 64 player_composite_factors "
                         "rows, 0% on average over 10 previous processable dates"),
    # A feature stuck at 0 for part of the players.
    Case("feature-quality-zero-share",
         all_of(_busy_fortnight, _set(FS, "feature_quality_score", "0", "2024-11-17", 16)), ["2024-11-17"],
         "feature_quality_score 0 on 25% of 64 ml_feature_store_v2 rows, 0% on average over 9 previous"),
]

NEAR_MISSES = [
    # 20 rows a game where the previous dates hold 26: 77%.
    Case("rows-per-game-77-percent", all_of(_busy_fortnight, _rows_per_game("2024-11-18", 2))),
    # 5 of 64 fatigue scores 0: 7.8 points.
    Case("fatigue-zero-share-8-points", all_of(_busy_fortnight, _set(PCF, "fatigue_score", "0", "2024-11-18", 5))),
    # Bootstrap placeholders are no history: 40 more feature-store rows a game on 2024-10-22 and 2024-10-30 would
    # put the processable dates under 70% of an average that counted them.
    Case("bootstrap-dates-not-in-history",
         all_of(_busy_fortnight, _extra_players(FS, "game_date IN ('2024-10-22', '2024-10-30')", 20))),
]


def null_share_12_points_fails(house):
    """fatigue_score NULL on 8 of 64 rows (12.5%) fails; column_health only warns (over 5%)."""
    _busy_fortnight(house)
    null(PCF, "fatigue_score", "game_date = '2024-11-18'", rows=8)(house)
    volume, warn = history_and_health(house, "precompute")
    assert volume["failing_dates"] == ["2024-11-18"]
    assert volume["reasons"]["2024-11-18"] == (
        "1 measure(s) off history; first: fatigue_score NULL on 13% of 64 player_composite_factors rows, 0% on "
        "average over 10 previous processable dates")
    assert warn["failing_dates"] == ["2024-11-18"]


def windowed_run_reads_the_lookback(house):
    """--since 2024-11-16 finds 2024-11-18 with the same history, and does not report 2024-11-15 (lookback)."""
    all_of(_busy_fortnight, _set(PCF, "fatigue_score", "0", "2024-11-15", 8),
           _set(PCF, "fatigue_score", "0", "2024-11-18", 8))(house)
    whole, _ = history_and_health(house, "precompute")
    assert whole["failing_dates"] == ["2024-11-15", "2024-11-18"]
    windowed, _ = history_and_health(house, "precompute", "2024-11-16")
    assert windowed["failing_dates"] == ["2024-11-18"]
    assert windowed["reasons"]["2024-11-18"] == whole["reasons"]["2024-11-18"]


CHECKS = [null_share_12_points_fails, windowed_run_reads_the_lookback]
