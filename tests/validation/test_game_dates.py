"""The calendar table: E(d), openers (schedule first, contract second), season days and date classes."""

from __future__ import annotations

import sqlglot

from nbadq.game_dates import DEDUPED_SCHEDULE_SQL, build_rows


def g(game_id: str, day: str, status: int = 3) -> dict:
    return {"game_id": game_id, "game_date": day, "game_status": status}


def test_rows_count_only_final_regular_playin_and_playoff_games():
    rows = build_rows([
        g("0012400001", "2024-10-10"),            # preseason
        g("0022400001", "2024-10-22"), g("0022400002", "2024-10-22"),
        g("0022400003", "2024-11-05"), g("0022400004", "2024-11-05", status=1),  # not final yet
        g("0032400001", "2025-02-16"),            # All-Star
        g("0052400001", "2025-04-15"),            # play-in
        g("0042400001", "2025-04-20"),            # playoffs
    ])
    assert [(r["game_date"], r["expected_games"], r["season_day"], r["is_bootstrap"], r["is_processable"])
            for r in rows] == [
        ("2024-10-22", 2, 0, True, False),
        ("2024-11-05", 1, 14, False, True),
        ("2025-04-15", 1, 175, False, True),
        ("2025-04-20", 1, 180, False, True),
    ]
    assert {r["season_year"] for r in rows} == {2024}
    assert {(r["opener"], r["opener_source"]) for r in rows} == {("2024-10-22", "schedule")}


def test_opener_falls_back_to_the_contract_when_the_schedule_has_no_regular_season_game():
    rows = build_rows([g("0042500001", "2026-04-25"), g("0052500001", "2025-11-03")])
    assert [(r["game_date"], r["opener"], r["opener_source"], r["season_day"], r["is_bootstrap"]) for r in rows] == [
        ("2025-11-03", "2025-10-21", "contract", 13, True),
        ("2026-04-25", "2025-10-21", "contract", 186, False),
    ]


def test_season_without_any_known_opener_is_neither_bootstrap_nor_processable():
    (row,) = build_rows([g("0041000001", "2011-05-01")])
    assert (row["season_year"], row["season_day"], row["is_bootstrap"], row["is_processable"]) == (2010, None, False, False)


def test_schedule_dedupe_query_is_bigquery_sql_with_a_partition_filter():
    tree = sqlglot.parse_one(DEDUPED_SCHEDULE_SQL, read="bigquery")
    assert "BETWEEN '0001-01-01' AND '9999-12-31'" in tree.sql(dialect="bigquery")


def test_a_game_stuck_live_counts_and_one_scheduled_after_tipoff_does_not():
    """E(d) counts a game still live on its latest scrape more than 6 h after tip-off (it was played; its status is
    stale), not one live 6 h after or less, nor one still scheduled after tip-off (postponed, or never played)."""
    def scraped(game_id: str, status: int, at: str) -> dict:
        return {**g(game_id, "2024-11-05", status), "processed_at": at, "game_date_est": "2024-11-05T19:00:00+00:00"}

    rows = build_rows([g("0022400001", "2024-10-22"),
                       scraped("0022400002", 2, "2024-11-06T01:00:01+00:00"),  # stuck: 6 h 1 s after tip-off
                       scraped("0022400003", 2, "2024-11-06T01:00:00"),        # exactly 6 h: not yet
                       scraped("0022400004", 1, "2024-11-06T06:00:00Z"),       # scheduled after tip-off
                       scraped("0022400005", 2, "2024-11-06T09:00:00") | {"game_date_est": None}])  # no tip-off
    assert [(r["game_date"], r["expected_games"]) for r in rows] == [("2024-10-22", 1), ("2024-11-05", 1)]
