"""nbadq's calendar table, nba_dq.game_dates: one row per game date with E(d), season day and its class.

Built from the deduplicated schedule (one row per (game_id, game_date), latest processed_at wins); a game counts
when final, or when stuck live (its latest scrape still says live more than 6 h after tip-off). A season's
opener is its earliest final regular-season game there, else the contract's opener. The suites join this table
instead of re-deriving the calendar in every rule, which keeps their SQL small and the same on both engines.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any, Iterable

from nbadq.calendar import BOOTSTRAP_DAYS, FINAL_STATUS, GAME_TYPES_COUNTED, LIVE_STATUS, OPENERS, season_year_of
from nbadq.clock import STUCK_AFTER, instant
from nbadq.errors import WarehouseError
from nbadq.rules.window import SENTINEL_SINCE, SENTINEL_UNTIL
from nbadq.schema import GAME_DATES, stored_date, table
from nbadq.warehouse import Warehouse

SCHEDULE = table("nba_raw.nbac_schedule")

# The filter on game_date satisfies require_partition_filter on nbac_schedule.
DEDUPED_SCHEDULE_SQL = f"""SELECT game_id, game_date, game_status, game_date_est, processed_at FROM (
  SELECT game_id, game_date, game_status, game_date_est, processed_at,
    ROW_NUMBER() OVER (PARTITION BY game_id, game_date ORDER BY processed_at DESC) AS scrape_rank
  FROM nba_raw.nbac_schedule
  WHERE game_date BETWEEN {SENTINEL_SINCE} AND {SENTINEL_UNTIL}
) AS s
WHERE scrape_rank = 1"""


def stuck_live(game: dict[str, Any]) -> bool:
    """Live (status 2) on its latest scrape, taken more than 6 h after its tip-off: the game was played, its status
    is stale (raw.schedule_integrity fails it). A scheduled game (status 1) after tip-off may never be played."""
    scraped, tipoff = instant(game.get("processed_at")), instant(game.get("game_date_est"))
    return game["game_status"] == LIVE_STATUS and bool(scraped and tipoff) and scraped - tipoff > STUCK_AFTER


def _counted(game: dict[str, Any]) -> bool:
    """A final game counts in E(d), and so does a stuck live one: a stale status must not lower E(d)."""
    game_id = str(game["game_id"] or "")
    played = game["game_status"] == FINAL_STATUS or stuck_live(game)
    return played and len(game_id) >= 3 and game_id[2] in GAME_TYPES_COUNTED


def _openers(games: list[tuple[dt.date, str]]) -> dict[int, tuple[dt.date, str]]:
    """season_year -> (opener, source): earliest final regular-season game, else the contract's date."""
    found: dict[int, dt.date] = {}
    for day, game_id in games:
        if game_id[2] == "2":
            season = season_year_of(day)
            found[season] = min(day, found.get(season, day))
    seasons = {season_year_of(d) for d, _ in games}
    openers = {s: (found[s], "schedule") for s in found}
    openers.update({s: (OPENERS[s], "contract") for s in seasons - found.keys() if s in OPENERS})
    return openers


def build_rows(schedule: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows of nba_dq.game_dates from deduplicated schedule rows (pure; unit-tested)."""
    # A row with an impossible date (2024-02-30) is skipped here and reported by the rule raw.impossible_dates.
    games = [(day, str(g["game_id"])) for g in schedule if _counted(g) and (day := stored_date(g["game_date"]))]
    per_day = Counter(day for day, _ in games)
    openers = _openers(games)
    rows = []
    for day in sorted(per_day):
        season = season_year_of(day)
        opener, source = openers.get(season, (None, None))
        season_day = (day - opener).days if opener else None
        bootstrap = season_day is not None and 0 <= season_day < BOOTSTRAP_DAYS
        rows.append({
            "game_date": day.isoformat(), "season_year": season, "season_day": season_day,
            "expected_games": per_day[day], "is_bootstrap": bootstrap,
            "is_processable": season_day is not None and season_day >= BOOTSTRAP_DAYS,
            "opener": opener.isoformat() if opener else None, "opener_source": source,
        })
    return rows


def refresh(warehouse: Warehouse) -> list[dict[str, Any]]:
    """Rebuild nba_dq.game_dates from the warehouse's schedule; returns the rows written."""
    if warehouse.missing_tables([SCHEDULE]):
        raise WarehouseError(f"{warehouse.label} has no table nba_raw.nbac_schedule: the calendar is built from it")
    rows = build_rows(warehouse.query(DEDUPED_SCHEDULE_SQL))
    if not rows:  # checked before writing: an empty calendar would make every rule pass
        raise WarehouseError(f"{warehouse.label}: nba_raw.nbac_schedule holds no final regular-season, play-in or "
                             "playoff game, so there is nothing to validate against: load the schedule first")
    warehouse.replace_table(GAME_DATES, rows)
    return rows


def read(warehouse: Warehouse, since: dt.date | None = None, until: dt.date | None = None,
         limit: int | None = None) -> list[dict[str, Any]]:
    """The calendar rows in a window (the first `limit` of them), as stored (ISO dates, booleans as bools)."""
    if warehouse.missing_tables([GAME_DATES]):
        raise WarehouseError(f"{warehouse.label} has no nba_dq.game_dates: run `nbadq calendar` first")
    where = []
    if since:
        where.append(f"game_date >= '{since.isoformat()}'")
    if until:
        where.append(f"game_date <= '{until.isoformat()}'")
    sql = "SELECT * FROM nba_dq.game_dates" + (f" WHERE {' AND '.join(where)}" if where else "")
    rows = warehouse.query(sql + " ORDER BY game_date" + (f" LIMIT {int(limit)}" if limit else ""))
    for r in rows:
        r["is_bootstrap"], r["is_processable"] = bool(r["is_bootstrap"]), bool(r["is_processable"])
        r["game_date"], r["opener"] = str(r["game_date"])[:10], r["opener"] and str(r["opener"])[:10]
    return rows
