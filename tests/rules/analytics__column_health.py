"""analytics.column_health: per date, over player_game_summary's played rows (is_dnp IS NOT TRUE), minutes_played,
points, usage_rate and plus_minus NULL on at most 5% (warn) and 50% (error); minutes 0-60, points 0-80, usage_rate
0-100; no column with one distinct value on 50+ played rows; is_dnp NULL on at most 1% of the date's rows.

The mini warehouse's games have 16 played rows (every one 30 minutes) and one DNP row whose minutes, points,
usage_rate and plus_minus are NULL: 2024-11-05 and 2024-11-10 hold 32 played rows of 34, 2024-11-06 16 of 17.
The warn expectation never fails the run, so its cases are CHECKS; so are the cases that also fail another rule."""

from nbadq.validation import run_checkpoint
from tests.rules.breakers import PGS, Case, all_of, dup, entries, null, sql

RULE = "analytics.column_health"


def _extra_played(day: str, n: int):
    """`n` more played rows on `day`: copies of its played rows under new player names, with 0 minutes (so no
    team's minutes change)."""
    def apply(h) -> None:
        cols = [r[1] for r in h.conn.execute("PRAGMA nba_analytics.table_info(player_game_summary)")]
        tweaks = {"player_lookup": "player_lookup || '#{i}'", "minutes_played": "0.0"}
        left, i = n, 0
        while left > 0:
            i += 1
            select = ", ".join(tweaks.get(c, c).format(i=i) for c in cols)
            h.sql(f"INSERT INTO {PGS} ({', '.join(cols)}) SELECT {select} FROM {PGS} WHERE game_date = '{day}' "
                  f"AND is_dnp = 0 AND instr(player_lookup, '#') = 0 ORDER BY player_lookup LIMIT {left}")
            left -= h.conn.execute(f"SELECT COUNT(*) FROM {PGS} WHERE game_date = '{day}' "
                                   f"AND player_lookup LIKE '%#{i}'").fetchone()[0]
    return apply


def _set(column: str, value: str, where: str):
    return sql(f"UPDATE {PGS} SET {column} = {value} WHERE {where}")


def _one_usage_rate(day: str):
    return _set("usage_rate", "20.0", f"game_date = '{day}' AND is_dnp = 0")


BREAKS = [
    # The incident: usage_rate NULL for days on end (team totals missing).
    Case("usage-rate-null-for-days", null(PGS, "usage_rate", "game_date IN ('2024-11-05', '2024-11-06')"),
         ["2024-11-05", "2024-11-06"], "1 problem(s); first: usage_rate NULL on 100% of 32 played rows"),
    # The parser bug: plus_minus NULL on 17 of 32 played rows (53%).
    Case("plus-minus-null-over-half", null(PGS, "plus_minus", "game_date = '2024-11-10' AND is_dnp = 0", rows=17),
         ["2024-11-10"], "1 problem(s); first: plus_minus NULL on 53% of 32 played rows"),
    # 61 minutes: PHX's 271 minutes infer one overtime (analytics.team_grain passes), the row is still impossible.
    Case("minutes-above-60", _set("minutes_played", "61.0", "game_date = '2024-11-10' AND player_lookup = 'phxrole1'"),
         ["2024-11-10"], "1 problem(s); first: minutes_played outside 0-60 on 1 of 32 played rows"),
    Case("points-above-80", _set("points", "81", "game_date = '2024-11-06' AND player_lookup = 'miarole1'"),
         ["2024-11-06"], "1 problem(s); first: points outside 0-80 on 1 of 16 played rows"),
    Case("negative-points-in-the-playoffs",
         _set("points", "-2", "game_date = '2025-04-20' AND player_lookup = 'nykrole2'"),
         ["2025-04-20"], "points outside 0-80 on 1 of 16 played rows"),
    Case("usage-rate-above-100", _set("usage_rate", "100.5", "game_date = '2025-04-15' AND player_lookup = 'atlrole1'"),
         ["2025-04-15"], "1 problem(s); first: usage_rate outside 0-100 on 1 of 16 played rows"),
    # A feature stuck at one value: every played row's usage_rate 20 on a date with 50 played rows.
    Case("one-distinct-value-on-50-rows", all_of(_one_usage_rate("2024-11-05"), _extra_played("2024-11-05", 18)),
         ["2024-11-05"], "1 problem(s); first: usage_rate has one distinct value on 50 played rows"),
    # One row of 34 without is_dnp (3%): the played rows cannot be told apart.
    Case("is-dnp-null-on-3-percent", null(PGS, "is_dnp", "game_date = '2024-11-05' AND player_lookup = 'nykrole1'"),
         ["2024-11-05"], "1 problem(s); first: is_dnp NULL on 3% of 34 rows"),
    Case("two-problems-on-a-date", all_of(
        _set("points", "90", "game_date = '2024-11-06' AND player_lookup = 'miarole1'"),
        _set("usage_rate", "150.0", "game_date = '2024-11-06' AND player_lookup = 'miarole2'")),
        ["2024-11-06"], "2 problem(s); first: points outside 0-80 on 1 of 16 played rows"),
]

NEAR_MISSES = [
    # DNP rows carry NULL minutes, points, usage_rate and plus_minus by design: four more of them change nothing.
    Case("dnp-rows-with-null-minutes", all_of(*(dup(PGS, "game_date = '2024-11-05' AND is_dnp = 1",
                                                    f"player_lookup || 'd{i}' AS player_lookup") for i in (1, 2)))),
    # 1 NULL usage_rate of 20 played rows: exactly 5%, not over it.
    Case("usage-rate-null-on-5-percent", all_of(
        _extra_played("2024-11-06", 4),
        null(PGS, "usage_rate", "game_date = '2024-11-06' AND player_lookup = 'miarole1'"))),
    # 1 NULL usage_rate of 32 played rows (3%).
    Case("usage-rate-null-on-3-percent",
         null(PGS, "usage_rate", "game_date = '2024-11-10' AND player_lookup = 'phxrole1'")),
    Case("values-at-the-bounds", all_of(
        _set("minutes_played", "60.0", "game_date = '2024-11-10' AND player_lookup = 'phxrole1'"),
        _set("points", "80", "game_date = '2024-11-10' AND player_lookup = 'phxrole2'"),
        _set("points", "0", "game_date = '2024-11-10' AND player_lookup = 'dalrole6'"),
        _set("usage_rate", "100.0", "game_date = '2024-11-10' AND player_lookup = 'sasrole1'"),
        _set("usage_rate", "0.0", "game_date = '2024-11-10' AND player_lookup = 'sasrole2'"))),
    # One usage_rate on 49 played rows: too few rows to call a constant column a defect.
    Case("one-distinct-value-on-49-rows", all_of(_one_usage_rate("2024-11-05"), _extra_played("2024-11-05", 17))),
    # One is_dnp NULL of 100 rows: exactly 1%.
    Case("is-dnp-null-on-1-percent", all_of(
        _extra_played("2024-11-05", 66),
        null(PGS, "is_dnp", "game_date = '2024-11-05' AND player_lookup = 'nykrole1'"))),
]


def _column_health(house, breaker):
    breaker(house)
    doc = run_checkpoint(str(house.root), "analytics")
    warn, error = entries(doc, RULE)
    assert (warn["severity"], error["severity"]) == ("warn", "error")
    others: dict[str, list[str]] = {}
    for e in doc["layers"]["analytics"]["expectations"]:
        if e["rule"] != RULE:
            others[e["rule"]] = sorted(set(others.get(e["rule"], [])) | set(e["failing_dates"]))
    return doc, warn, error, others


def warns_over_5_percent_null(house):
    """2 NULL usage_rate of 32 played rows (6%) warn; the run passes."""
    doc, warn, error, others = _column_health(
        house, null(PGS, "usage_rate", "game_date = '2024-11-05' AND is_dnp = 0", rows=2))
    assert (warn["failing_dates"], error["failing_dates"]) == (["2024-11-05"], [])
    assert warn["reasons"] == {"2024-11-05": "1 column(s) over 5% NULL; first: usage_rate NULL on 6% of 32 played rows"}
    assert all(not days for days in others.values()), others
    layer = doc["layers"]["analytics"]
    assert (doc["success"], layer["failing_dates"], layer["warning_dates"]) == (True, [], ["2024-11-05"])


def every_is_dnp_null_no_longer_hides_null_minutes(house):
    """The incident: a date written with every is_dnp NULL. analytics.minutes_null_rate (is_dnp = FALSE) sees no
    played row and passes; column health fails on is_dnp, and counts the DNP row (NULL minutes) as played: 1 of 17
    over 5% warns."""
    _, warn, error, others = _column_health(house, null(PGS, "is_dnp", "game_date = '2024-11-06'"))
    assert (error["failing_dates"], warn["failing_dates"]) == (["2024-11-06"], ["2024-11-06"])
    assert error["reasons"]["2024-11-06"] == "1 problem(s); first: is_dnp NULL on 100% of 17 rows"
    assert warn["reasons"]["2024-11-06"] == ("4 column(s) over 5% NULL; first: minutes_played NULL on 6% of 17 "
                                             "played rows")
    assert all(not days for days in others.values()), others


def null_minutes_on_a_date_fail_both_rules(house):
    """The "MM:SS" coercion bug: minutes NULL on every played row fails minutes_null_rate and column health."""
    _, warn, error, others = _column_health(house, null(PGS, "minutes_played", "game_date = '2024-11-10'"))
    assert (error["failing_dates"], warn["failing_dates"]) == (["2024-11-10"], [])
    assert error["reasons"]["2024-11-10"] == "1 problem(s); first: minutes_played NULL on 100% of 32 played rows"
    assert {r: d for r, d in others.items() if d} == {"analytics.minutes_null_rate": ["2024-11-10"]}


CHECKS = [warns_over_5_percent_null, every_is_dnp_null_no_longer_hides_null_minutes,
          null_minutes_on_a_date_fail_both_rules]
