"""Phase 5 predictions: two systems predict points for the rotation players of every counted game.

Props exist for the eight best-ranked dressed players of each team. Each (player, game, system) has one active
prediction; about one in ten also has an earlier version the system superseded (is_active = FALSE), which the
business-key rule must ignore.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections import defaultdict
from typing import Any, Iterator

from nbadq.sample.games import Game

SYSTEMS = {"catboost_v8": 1.0, "ensemble_v1": 0.97}  # system -> bias on the expected points
PLAYERS_PER_TEAM = 8
SUPERSEDED_SHARE = 0.1


def game_predictions(game: Game, gamebook: list[dict[str, Any]], rng: random.Random,
                     ids: Iterator[int]) -> list[dict[str, Any]]:
    """Predictions made before `game` from its true box score rows (dressed = active or DNP)."""
    by_team: dict[str, list[dict]] = defaultdict(list)
    for row in gamebook:
        if row["player_status"] != "inactive":
            by_team[row["team_abbr"]].append(row)
    out: list[dict[str, Any]] = []
    base = {"game_id": game.system_id, "game_date": game.game_date.isoformat()}
    for team in (game.home, game.away):
        for row in sorted(by_team[team], key=lambda r: r["_rank"])[:PLAYERS_PER_TEAM]:
            for system, bias in SYSTEMS.items():
                out += _predict(base, row["player_lookup"], row["_expected"] * bias, system, rng, ids)
    return out


def _predict(base: dict[str, Any], player: str, expected: float, system: str, rng: random.Random,
             ids: Iterator[int]) -> list[dict[str, Any]]:
    versions = [(10, 0), (16, 1)] if rng.random() < SUPERSEDED_SHARE else [(16, 1)]
    day = base["game_date"]
    return [{**base, "prediction_id": f"pred-{day}-{next(ids):07d}", "player_lookup": player, "system_id": system,
             "predicted_points": round(max(0.5, rng.gauss(expected, 2.5)), 1), "is_active": active,
             "created_at": f"{day}T{hour:02d}:00:00+00:00"} for hour, active in versions]


def season_predictions(games: list[Game], gamebook: list[dict[str, Any]], rng: random.Random,
                       first_id: int = 1) -> list[dict[str, Any]]:
    rows_by_game: dict[str, list[dict]] = defaultdict(list)
    for row in gamebook:
        rows_by_game[row["game_id"]].append(row)
    ids = itertools.count(first_id)
    return [p for g in games if g.counted for p in game_predictions(g, rows_by_game[g.nba_id], rng, ids)]


def prediction_dates(rows: list[dict[str, Any]]) -> set[dt.date]:
    return {dt.date.fromisoformat(r["game_date"]) for r in rows if r["is_active"]}
