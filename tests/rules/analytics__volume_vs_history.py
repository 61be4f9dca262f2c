"""analytics.volume_vs_history: a date fails when player_game_summary's rows per game fall under 70% of the average
of the previous 28 game dates of the season, or a NULL or zero share of the played rows rises more than 10 points
above its average; judged with 7 or more previous dates, shares on 50 or more played rows.

The clean house has 7 game dates (2024-10-22 .. 2025-04-20, 17 rows a game: 16 played, 1 DNP), so nothing is judged
there: 2025-04-20 has 6 previous dates. `_busy_fortnight` adds 2024-11-11 .. 2024-11-18 with four games each
(64 played rows), so 2024-11-18 has 12 previous game dates. Breaks that raise a NULL share are CHECKS: over 5% NULL
also makes analytics.column_health warn."""

from tests.rules.breakers import PGS, Case, all_of, dup, history_and_health, null, sql

TEAMS = ("ATL", "BKN", "CHA", "CHI", "CLE", "DET", "IND", "MEM", "MIL", "NOP", "POR", "SAC", "TOR", "UTA", "WAS",
         "PHI")
FORTNIGHT = [f"2024-11-{d}" for d in range(11, 19)]


def _busy_fortnight(h) -> None:
    """Four games on each of 2024-11-11 .. 2024-11-18 (eight teams a date, rotating)."""
    for i, day in enumerate(FORTNIGHT):
        teams = TEAMS[i % 2 * 8:][:8]
        for away, home in zip(teams[::2], teams[1::2]):
            h.game(day, away, home)
    # Every mini player plays 30 minutes: 64 played rows of one value would fail analytics.column_health. Two role
    # players a team swap a minute, so the team still plays 240.
    for role, minutes in (("role1", 29.0), ("role2", 31.0)):
        h.sql(f"UPDATE {PGS} SET minutes_played = {minutes} WHERE game_date >= '{FORTNIGHT[0]}' "
              f"AND game_date <= '{FORTNIGHT[-1]}' AND player_lookup LIKE '%{role}'")


def _one_game(day: str):
    return lambda h: h.game(day, "ATL", "CHI")


def _extra_dnp(where: str, count: int):
    """`count` more DNP rows per game (copies of the game's bench row under new names) on the dates matching
    `where`: rows per game grow, played rows do not."""
    return all_of(*(dup(PGS, f"player_lookup LIKE '%bench' AND {where}", f"player_lookup || 'x{i}' AS player_lookup")
                    for i in range(1, count + 1)))


def _rows_per_game(target: str, kept: int):
    """Every game date but `target` gains 9 DNP rows a game (26 rows a game); `target` gains `kept` of them."""
    return all_of(_extra_dnp(f"game_date <> '{target}'", 9), _extra_dnp(f"game_date = '{target}'", kept))


def _zero_points(day: str, rows: int):
    return sql(f"UPDATE {PGS} SET points = 0 WHERE rowid IN (SELECT rowid FROM {PGS} WHERE game_date = '{day}' "
               f"AND is_dnp = 0 ORDER BY game_id, player_lookup LIMIT {rows})")


# The incident: DNP players written as played rows with zeros (is_dnp unset, 0 minutes, 0 points).
_DNP_AS_PLAYED = sql(f"UPDATE {PGS} SET is_dnp = 0, is_active = 1, player_status = 'active', minutes_played = 0, "
                     "points = 0, usage_rate = 0, plus_minus = 0 WHERE game_date = '2024-11-18' AND is_dnp = 1")

BREAKS = [
    # 40% of a date's players lost: 17 rows a game where the previous dates hold 26 (65%).
    Case("rows-per-game-65-percent", all_of(_busy_fortnight, _rows_per_game("2024-11-18", 0)), ["2024-11-18"],
         "1 measure(s) off history; first: rows per game 17, 65% of the 26 average of 12 previous game dates"),
    # The seventh previous game date makes a date judged: 2024-11-13 after 2024-11-11 and 2024-11-12.
    Case("seventh-previous-date-judged",
         all_of(_one_game("2024-11-11"), _one_game("2024-11-12"), _one_game("2024-11-13"),
                _rows_per_game("2024-11-13", 0)), ["2024-11-13"],
         "rows per game 17, 65% of the 26 average of 7 previous game dates"),
    Case("dnp-written-as-played-with-zeros",
         all_of(_busy_fortnight, _extra_dnp("game_date = '2024-11-18'", 2), _DNP_AS_PLAYED), ["2024-11-18"],
         "3 measure(s) off history; first: minutes_played 0 on 16% of 76 played rows, 0% on average over 12 "
         "previous game dates"),
    # 8 of 64 played rows with 0 points: 12.5%, 12.5 points over the history's 0%.
    Case("points-zero-share-12-points", all_of(_busy_fortnight, _zero_points("2024-11-18", 8)), ["2024-11-18"],
         "1 measure(s) off history; first: points 0 on 13% of 64 played rows, 0% on average over 12 previous"),
]

NEAR_MISSES = [
    # 20 rows a game where the previous dates hold 26: 77%.
    Case("rows-per-game-77-percent", all_of(_busy_fortnight, _rows_per_game("2024-11-18", 3))),
    # 5 of 64 played rows with 0 points: 7.8 points over the history.
    Case("points-zero-share-8-points", all_of(_busy_fortnight, _zero_points("2024-11-18", 5))),
    # The season's first game dates are not judged: 2024-11-12 has 6 previous game dates.
    Case("sixth-previous-date-not-judged",
         all_of(_one_game("2024-11-11"), _one_game("2024-11-12"), _rows_per_game("2024-11-12", 0))),
    # A one-game date is too small for a share: 4 of 16 played rows with 0 points (25%) on 2025-04-20.
    Case("share-on-one-game-not-judged", all_of(_busy_fortnight, _zero_points("2025-04-20", 4))),
    # More rows than usual (a duplicated date is duplicate_keys'): only a fall is a loss.
    Case("more-rows-than-history", all_of(_busy_fortnight, _extra_dnp("game_date = '2024-11-18'", 20))),
]


def null_share_12_points_fails(house):
    """usage_rate NULL on 8 of 64 played rows (12.5%) fails; column_health only warns (over 5%)."""
    _busy_fortnight(house)
    null(PGS, "usage_rate", "game_date = '2024-11-18' AND is_dnp = 0", rows=8)(house)
    volume, warn = history_and_health(house, "analytics")
    assert volume["failing_dates"] == ["2024-11-18"]
    assert volume["reasons"]["2024-11-18"] == ("1 measure(s) off history; first: usage_rate NULL on 13% of 64 played "
                                               "rows, 0% on average over 12 previous game dates")
    assert warn["failing_dates"] == ["2024-11-18"]


def null_share_8_points_passes(house):
    """usage_rate NULL on 5 of 64 played rows (7.8%): column_health warns, the history rule passes."""
    _busy_fortnight(house)
    null(PGS, "usage_rate", "game_date = '2024-11-18' AND is_dnp = 0", rows=5)(house)
    volume, warn = history_and_health(house, "analytics")
    assert volume["success"] and volume["failing_dates"] == []
    assert warn["failing_dates"] == ["2024-11-18"]


def windowed_run_reads_the_lookback(house):
    """--since 2024-11-16 finds 2024-11-18 with the same history (read before the window), and does not report
    2024-11-15, which fails the whole-history run but lies in the lookback."""
    all_of(_busy_fortnight, _zero_points("2024-11-15", 8), _zero_points("2024-11-18", 8))(house)
    whole, _ = history_and_health(house, "analytics")
    assert whole["failing_dates"] == ["2024-11-15", "2024-11-18"]
    windowed, _ = history_and_health(house, "analytics", "2024-11-16")
    assert windowed["failing_dates"] == ["2024-11-18"]
    assert windowed["reasons"]["2024-11-18"] == whole["reasons"]["2024-11-18"] == (
        "1 measure(s) off history; first: points 0 on 13% of 64 played rows, 1% on average over 12 previous game "
        "dates")


CHECKS = [null_share_12_points_fails, null_share_8_points_passes, windowed_run_reads_the_lookback]
