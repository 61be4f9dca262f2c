"""Phase 5 predictions: two systems predict points for the players expected to play in every counted game.

As the platform's coordinator does, every player of the game's upcoming_player_game_context is predicted: every
dressed player (active or DNP) and the late scratches who had a line (the context's players). A player
with a bookmaker line is predicted against it (line_source 'ACTUAL_PROP', recommendation OVER, UNDER or PASS);
one without is predicted against his estimated average (line_source 'ESTIMATED_AVG', recommendation 'NO_LINE').
A late scratch's predictions stay active but carry invalidation_reason 'player_inactive' (never graded). Each
(player, game, system) has one active prediction; about one in ten, at most two per game and system, also has
an earlier version the system superseded (is_active = FALSE), which the business-key rule must ignore.
Predictions of a date are written after its Phase 4 rows (the morning after, 09:30) and before grading (11:00).
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import random
from collections import defaultdict
from typing import Any, Iterator

from nbadq.sample.games import Game
from nbadq.sample.props import Line

SYSTEMS = {"catboost_v8": 1.0, "ensemble_v1": 0.97}  # system -> bias on the expected points
ROTATION = 8  # the best-ranked dressed players of a team; the rest (the deep bench) draw from `bench_rng`
SUPERSEDED_SHARE = 0.1
SUPERSEDED_PER_GAME = 2  # so superseded rows never pass 20% of a date's real-line predictions of a system
EDGE = 1.0  # points between prediction and line below which a system passes
VERSIONS = (("10:00", 0), ("10:30", 1))  # (time on the morning after, is_active): superseded, then final


def game_predictions(game: Game, gamebook: list[dict[str, Any]], lines: list[Line], rng: random.Random,
                     ids: Iterator[int], bench_rng: random.Random | None = None) -> list[dict[str, Any]]:
    """Predictions for `game` from its true box score rows (dressed = active or DNP) and its lines. The deep
    bench's predictions come from their own stream (`bench_rng`, default `rng`), so the rotation's stay as they
    were when only the rotation was predicted, and have no superseded version."""
    by_team: dict[str, list[dict]] = defaultdict(list)
    for row in gamebook:
        by_team[row["team_abbr"]].append(row)
    line_of = {line.player: line for line in lines}
    out: list[dict[str, Any]] = []
    base = {"game_id": game.system_id, "game_date": game.game_date.isoformat()}
    superseded = dict.fromkeys(SYSTEMS, 0)
    for team in (game.home, game.away):
        rows = sorted(by_team[team], key=lambda r: r["_rank"])
        dressed = [r for r in rows if r["player_status"] != "inactive"]
        scratched = [r for r in rows if r["player_status"] == "inactive" and r["player_lookup"] in line_of]
        for row in dressed[:ROTATION] + scratched:
            line = line_of.get(row["player_lookup"])
            for system, bias in SYSTEMS.items():
                versions = _predict(base, row, line, row["_expected"] * bias, system, rng, ids,
                                    superseded[system] < SUPERSEDED_PER_GAME)
                superseded[system] += len(versions) - 1
                out += versions
        for row in dressed[ROTATION:]:
            out += [p for system, bias in SYSTEMS.items()
                    for p in _predict(base, row, line_of.get(row["player_lookup"]), row["_expected"] * bias,
                                      system, bench_rng or rng, ids, False)]
    return out


def _predict(base: dict[str, Any], row: dict[str, Any], line: Line | None, expected: float, system: str,
             rng: random.Random, ids: Iterator[int], may_supersede: bool) -> list[dict[str, Any]]:
    versions = VERSIONS if rng.random() < SUPERSEDED_SHARE and may_supersede else VERSIONS[1:]
    day = base["game_date"]
    made = (dt.date.fromisoformat(day) + dt.timedelta(days=1)).isoformat()
    predicted = round(max(0.5, rng.gauss(expected, 2.5)), 1)
    return [{**base, "prediction_id": f"pred-{day}-{next(ids):07d}", "player_lookup": row["player_lookup"],
             "system_id": system, "predicted_points": predicted, "is_active": active,
             "created_at": f"{made}T{at}:00+00:00", **_against_line(predicted, line, row["_expected"])}
            for at, active in versions]


def _against_line(predicted: float, line: Line | None, expected: float) -> dict[str, Any]:
    if line is None:  # no book offered one: the platform estimates a line from the player's average
        return {"line_source": "ESTIMATED_AVG", "current_points_line": math.floor(expected) + 0.5,
                "recommendation": "NO_LINE", "invalidation_reason": None}
    edge = predicted - line.points_line
    recommendation = "OVER" if edge >= EDGE else "UNDER" if edge <= -EDGE else "PASS"
    return {"line_source": "ACTUAL_PROP", "current_points_line": line.points_line,
            "recommendation": recommendation, "invalidation_reason": "player_inactive" if line.scratched else None}


def season_predictions(games: list[Game], gamebook: list[dict[str, Any]], lines: dict[str, list[Line]],
                       rng: random.Random, first_id: int = 1,
                       bench_rng: random.Random | None = None) -> list[dict[str, Any]]:
    """`lines`: NBA.com game id -> the game's lines."""
    rows_by_game: dict[str, list[dict]] = defaultdict(list)
    for row in gamebook:
        rows_by_game[row["game_id"]].append(row)
    ids = itertools.count(first_id)
    return [p for g in games if g.counted
            for p in game_predictions(g, rows_by_game[g.nba_id], lines.get(g.nba_id, []), rng, ids, bench_rng)]


def prediction_dates(rows: list[dict[str, Any]]) -> set[dt.date]:
    return {dt.date.fromisoformat(r["game_date"]) for r in rows if r["is_active"]}
