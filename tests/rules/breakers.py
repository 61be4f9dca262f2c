"""The cases a rule fixture is made of, and the few ways a case changes the clean mini-warehouse (tests/minihouse.py).

A breaker is a function of the open MiniHouse; the helpers below build the common ones so that a fixture reads as
data: which rows go, which rows are copied, which column is emptied, which processor run is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

Breaker = Callable[[Any], object]  # takes a tests.minihouse.MiniHouse

PGS = "nba_analytics.player_game_summary"
PCF = "nba_precompute.player_composite_factors"
PRED = "nba_predictions.player_prop_predictions"
ACC = "nba_predictions.prediction_accuracy"
CONTEXT = "nba_analytics.upcoming_player_game_context"
PHASE4 = {  # dataset.table -> its date column (the five Phase 4 outputs)
    PCF: "game_date",
    "nba_precompute.player_shot_zone_analysis": "analysis_date",
    "nba_precompute.team_defense_zone_analysis": "analysis_date",
    "nba_precompute.player_daily_cache": "cache_date",
    "nba_predictions.ml_feature_store_v2": "game_date",
}


@dataclass(frozen=True)
class Case:
    """One change to the clean season. A breaking case names the rule's complete failing dates and a substring of
    the reason given for the first of them; a near miss (no dates) must leave the rule, and its layer, passing."""

    id: str
    breaker: Breaker
    dates: list[str] = field(default_factory=list)
    reason: str = ""


def sql(*statements: str) -> Breaker:
    def apply(h) -> None:
        for statement in statements:
            h.sql(statement)
    return apply


def delete(table: str, where: str) -> Breaker:
    return sql(f"DELETE FROM {table} WHERE {where}")


def dup(table: str, where: str, tweak: str = "") -> Breaker:
    """Insert a copy of the matching rows; `tweak` ("<expr> AS <column>") changes one column of the copy."""
    def apply(h) -> None:
        dataset, name = table.split(".")
        cols = [r[1] for r in h.conn.execute(f"PRAGMA {dataset}.table_info({name})")]
        changed = tweak.split(" AS ")[-1] if tweak else None
        select = ", ".join(tweak if c == changed else c for c in cols)
        h.sql(f"INSERT INTO {table} ({', '.join(cols)}) SELECT {select} FROM {table} WHERE {where}")
    return apply


def null(table: str, column: str, where: str, rows: int | None = None) -> Breaker:
    """Set `column` to NULL on the matching rows (only the first `rows` of them when given)."""
    limit = f" LIMIT {rows}" if rows is not None else ""
    return sql(f"UPDATE {table} SET {column} = NULL WHERE rowid IN (SELECT rowid FROM {table} WHERE {where}{limit})")


def run(processor: str, day: str, status: str, records: int) -> Breaker:
    """One more processor run for `day` in the run history (a 'running' row, then its final row), the latest."""
    return lambda h: h.run(processor, day, status, records)


def all_of(*breakers: Breaker) -> Breaker:
    """The breakers in order (e.g. two runs, the later one being the latest)."""
    def apply(h) -> None:
        for breaker in breakers:
            breaker(h)
    return apply


def entries(doc: dict[str, Any], rule: str) -> list[dict[str, Any]]:
    """The validate document's entries for `rule` (a rule may have several expectations), never none."""
    found = [e for layer in doc["layers"].values() for e in layer["expectations"] if e["rule"] == rule]
    assert found, f"{rule} is not in the document"
    return found


def history_and_health(house, layer: str, since: str | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """`<layer>.volume_vs_history`'s entry and `<layer>.column_health`'s warning, from one run of the layer's
    checkpoint (from `since` when given): the history rule fails where the per-date health rule only warns."""
    import datetime as dt

    from nbadq.validation import run_checkpoint

    doc = run_checkpoint(str(house.root), layer, since and dt.date.fromisoformat(since))
    (volume,) = entries(doc, f"{layer}.volume_vs_history")
    (warn,) = [e for e in entries(doc, f"{layer}.column_health") if e["severity"] == "warn"]
    return volume, warn


# NBA.com keeps a postponed game's id: 2024-11-06's game id scraped again, later than its final, as scheduled
# (never played) on 2024-11-03. That is another (game_id, game_date), not a second copy of the final game.
POSTPONED_ID_REUSED = sql(
        "INSERT INTO nba_raw.nbac_schedule SELECT game_id, '2024-11-03', season_year, 1, is_regular_season, "
        "is_playoffs, is_all_star, playoff_round, home_team_tricode, away_team_tricode, '2024-11-07T12:00:00', "
        "NULL, NULL, '2024-11-03T10:30:00' FROM nba_raw.nbac_schedule WHERE game_date = '2024-11-06' "
        "AND game_status = 3")


def context_players(day: str, players: int, with_line: bool) -> str:
    """SQL listing the first `players` players (by name) of `day`'s context with (or without) a prop line."""
    return (f"SELECT player_lookup FROM {CONTEXT} WHERE game_date = '{day}' AND has_prop_line = {int(with_line)} "
            f"ORDER BY player_lookup LIMIT {players}")


def unpredicted(day: str, players: int, with_line: bool) -> Breaker:
    """Those players' predictions deleted (every system)."""
    return delete(PRED, f"game_date = '{day}' AND player_lookup IN ({context_players(day, players, with_line)})")


def deactivated(day: str, players: int, with_line: bool, system: str = "%") -> Breaker:
    """Those players' predictions made inactive in the systems matching `system` (a LIKE pattern)."""
    return sql(f"UPDATE {PRED} SET is_active = 0 WHERE game_date = '{day}' AND system_id LIKE '{system}' "
               f"AND player_lookup IN ({context_players(day, players, with_line)})")
