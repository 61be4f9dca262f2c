"""Grains and calendar of the one-season sample: what the rules count must look like the real league."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from nbadq.calendar import OPENERS
from nbadq.sample.names import player_lookup
from nbadq.sample.season_calendar import opener_of, season_calendar
from nbadq.schema import TEAMS
from nbadq.warehouse.local import open_connection

DEDUPED = """
SELECT game_id, game_date, game_status, home_team_tricode, away_team_tricode, playoff_round FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY game_id, game_date ORDER BY processed_at DESC) AS k
  FROM nba_raw.nbac_schedule) WHERE k = 1"""


def _deduped(root) -> list[tuple]:
    conn = open_connection(root)
    try:
        return conn.execute(DEDUPED).fetchall()
    finally:
        conn.close()


def test_schedule_has_scrape_duplicates_that_dedupe_to_unique_keys(one_season):
    root, _ = one_season
    conn = open_connection(root)
    total, keys = conn.execute("SELECT COUNT(*), COUNT(DISTINCT game_id || game_date) "
                               "FROM nba_raw.nbac_schedule").fetchone()
    ties = conn.execute("SELECT COUNT(*) FROM (SELECT game_id, game_date, processed_at FROM nba_raw.nbac_schedule "
                        "GROUP BY 1, 2, 3 HAVING COUNT(*) > 1)").fetchone()[0]
    conn.close()
    assert total > 2 * keys  # every game scraped at least twice (published, final)
    rows = _deduped(root)
    assert len(rows) == keys == len({(r[0], r[1]) for r in rows})
    assert ties == 0  # "latest processed_at" is never ambiguous


def test_regular_season_has_1230_games_82_per_team(one_season):
    # Played: final, or left live on its scrapes (the stuck_live_game defect, raw.schedule_integrity).
    rows = [r for r in _deduped(one_season[0]) if r[0][2] == "2" and r[2] in (2, 3)]
    assert len(rows) == len({r[0] for r in rows}) == 1230
    per_team = Counter(t for r in rows for t in (r[3], r[4]))
    home = Counter(r[3] for r in rows)
    assert set(per_team) == set(TEAMS) and set(per_team.values()) == {82} and set(home.values()) == {41}


def test_opener_is_the_contracts_with_preseason_before_it(one_season):
    rows = _deduped(one_season[0])
    regular = sorted(r[1] for r in rows if r[0][2] == "2" and r[2] == 3)
    preseason = sorted(r[1] for r in rows if r[0][2] == "1")
    assert regular[0] == "2024-10-22" and regular.count("2024-10-22") == 2
    assert 60 <= len(preseason) <= 80 and preseason[-1] < "2024-10-22"


def test_all_star_break_has_no_counted_games_but_the_all_star_game(one_season):
    rows = _deduped(one_season[0])
    sunday = dt.date(2025, 2, 16)
    break_days = {(sunday + dt.timedelta(days=k)).isoformat() for k in range(-3, 3)}
    assert not [r for r in rows if r[1] in break_days and r[0][2] in "245"]
    all_star = sorted((r[1], r[3], r[4]) for r in rows if r[0][2] == "3")
    assert all_star == [("2025-02-14", "RSA", "RSB"), ("2025-02-16", "EST", "WST")]
    assert all(r[2] == 3 for r in rows if r[0][2] == "3")  # final, and still not counted


def test_play_in_and_playoffs(one_season):
    rows = [r for r in _deduped(one_season[0]) if r[0][2] in "45"]
    play_in = [r for r in rows if r[0][2] == "5"]
    playoffs = [r for r in rows if r[0][2] == "4"]
    assert len(play_in) == 6 and {r[5] for r in play_in} == {"play_in"}
    assert 64 <= len(playoffs) <= 105
    assert {r[5] for r in playoffs} == {"first_round", "conf_semifinals", "conf_finals", "finals"}
    assert max(r[1] for r in play_in) < min(r[1] for r in playoffs)
    per_day = Counter((r[1], t) for r in rows for t in (r[3], r[4]))
    assert max(per_day.values()) == 1  # nobody plays twice a day


def test_postponed_games_keep_their_id_on_two_dates(one_season):
    rows = _deduped(one_season[0])
    dates = Counter(r[0] for r in rows)
    moved = sorted(g for g, n in dates.items() if n == 2)
    assert len(moved) == 2
    for game_id in moved:
        old, new = sorted((r[1], r[2]) for r in rows if r[0] == game_id)
        assert old[1] == 1 and new[1] == 3  # the old date never became final


def test_gamebook_and_analytics_grains(one_season):
    conn = open_connection(one_season[0])
    per_game = conn.execute("SELECT COUNT(*), SUM(player_status = 'active') FROM nba_raw.nbac_gamebook_player_stats "
                            "GROUP BY game_id").fetchall()
    # Left out: the dates whose played players a defect changed (40% dropped; DNP players written as played).
    odd = ", ".join(f"'{d}'" for x in one_season[1]["defects"]
                    if x["kind"] in ("analytics_players_dropped", "dnp_written_as_played") for d in x["dates"])
    active = conn.execute("SELECT COUNT(DISTINCT player_lookup) FROM nba_analytics.player_game_summary "
                          f"WHERE is_dnp = 0 AND game_date NOT IN ({odd}) GROUP BY game_id").fetchall()
    lookups = [r[0] for r in conn.execute("SELECT DISTINCT player_lookup FROM nba_raw.nbac_gamebook_player_stats")]
    conn.close()
    assert min(n for n, _ in per_game) >= 34 and max(n for n, _ in per_game) <= 38
    assert 24 <= sum(a for _, a in per_game) / len(per_game) <= 28
    assert min(n for (n,) in active) >= 18 and max(n for (n,) in active) <= 36
    assert all(lk == player_lookup(lk) and lk.isalnum() for lk in lookups)


def test_openers_for_seasons_outside_the_contract_are_late_october_tuesdays():
    for year in range(2016, 2026):
        opener = opener_of(year)
        assert opener.weekday() == 1 and dt.date(year, 10, 18) <= opener <= dt.date(year, 10, 24)
        if year in OPENERS:
            assert opener == OPENERS[year]
    cal = season_calendar(2024)
    assert cal.all_star_sunday == dt.date(2025, 2, 16) and cal.regular_season_end == dt.date(2025, 4, 13)
    assert player_lookup("Luka Dončić") == "lukadoncic" and player_lookup("De'Aaron Fox Jr.") == "deaaronfoxjr"
