"""Box scores: the raw gamebook rows of every counted and preseason game (both teams' whole rosters).

Per team: 2-4 inactive players (mostly the end of the bench, sometimes an injured starter), 1-3 DNPs, and the
rest play 240 minutes between them (265 after overtime) as "MM:SS". Points follow each player's scoring rate
(0-60 per player); each team scores 95-135 (about 10% more after overtime) and the totals agree with the winner
the schedule decided. A few played rows lose their minutes (the residual NULLs the platform really has), at most
one per game and only a bench player's, so no date exceeds the 5% threshold and no team falls under 200 minutes
by accident.
"""

from __future__ import annotations

import random
from typing import Any

from nbadq.sample.games import Game
from nbadq.sample.rosters import Player, SeasonRosters

# Typical minutes by rotation slot (starters first), scaled to the game's total.
SLOT_MINUTES = (34, 33, 32, 31, 30, 24, 22, 20, 18, 14, 10, 8, 6, 5, 4, 3, 2)
OVERTIME_SHARE = 0.06
MISSING_MINUTES_SHARE = 0.12  # games with one played row whose minutes the scraper lost
MIN_PLAYED = 11
MAX_PLAYER_POINTS = 60
TEAM_POINTS = (95, 135)  # a regulation game's team total; scaled by the minutes played (overtime)
BENCH_RANK = 5  # the first roster rank whose lost minutes cannot sink a team below 200 minutes


def box_score(game: Game, rosters: SeasonRosters, rng: random.Random) -> list[dict[str, Any]]:
    seconds = (240 + (25 if rng.random() < OVERTIME_SHARE else 0)) * 60
    rows = []
    for team in (game.home, game.away):
        rows += _team_rows(game, team, rosters.on(team, game.game_date), seconds, rng)
    bounds = tuple(round(b * seconds / (240 * 60)) for b in TEAM_POINTS)
    for team in (game.home, game.away):
        _shift_team_points(rows, team, min(max(_team_points(rows, team), bounds[0]), bounds[1]))
    _settle_winner(game, rows, bounds[1], rng)
    if rng.random() < MISSING_MINUTES_SHARE:
        bench = [r for r in rows if r["player_status"] == "active" and r["_rank"] >= BENCH_RANK]
        rng.choice(bench)["minutes"] = None
    return rows


def _team_rows(game: Game, team: str, roster: list[Player], seconds: int, rng: random.Random) -> list[dict]:
    inactive_n, dnp_n = rng.randint(2, 4), rng.randint(1, 3)
    while len(roster) - inactive_n - dnp_n < MIN_PLAYED:
        inactive_n, dnp_n = max(1, inactive_n - 1), max(0, dnp_n - 1)
    weights = [3.0 if rank >= 12 else 0.35 for rank in range(len(roster))]
    inactive = set(_weighted_sample(range(len(roster)), weights, inactive_n, rng))
    dressed = [i for i in range(len(roster)) if i not in inactive]
    dnp = set(dressed[-dnp_n:]) if dnp_n else set()
    played = [i for i in dressed if i not in dnp]
    minutes = _split_seconds(seconds, len(played), rng)
    team_target = rng.gauss(113, 11) * seconds / (240 * 60)  # overtime: more minutes, more points
    expected = {i: roster[i].points_per_minute * minutes[k] / 60 for k, i in enumerate(played)}
    scale = team_target / max(1.0, sum(expected.values()))
    rows = []
    for rank, player in enumerate(roster):
        status = "inactive" if rank in inactive else "dnp" if rank in dnp else "active"
        row = {"game_id": game.nba_id, "game_date": game.game_date.isoformat(), "season_year": game.season_year,
               "player_lookup": player.lookup, "team_abbr": team, "player_status": status, "minutes": None,
               "points": None, "_rank": rank,
               "_expected": round(player.points_per_minute * SLOT_MINUTES[min(rank, len(SLOT_MINUTES) - 1)], 1)}
        if status == "active":
            k = played.index(rank)
            mu = expected[rank] * scale
            row["minutes"] = f"{minutes[k] // 60}:{minutes[k] % 60:02d}"
            row["points"] = min(MAX_PLAYER_POINTS, max(0, round(rng.gauss(mu, 1.1 * mu ** 0.5))))
        rows.append(row)
    return rows


def _weighted_sample(items: range, weights: list[float], k: int, rng: random.Random) -> list[int]:
    pool, w, out = list(items), list(weights), []
    for _ in range(k):
        pick = rng.choices(range(len(pool)), w)[0]
        out.append(pool.pop(pick))
        w.pop(pick)
    return out


def _split_seconds(total: int, players: int, rng: random.Random) -> list[int]:
    """Seconds per played player, by rotation slot with noise, summing exactly to the team's total."""
    raw = [SLOT_MINUTES[min(k, len(SLOT_MINUTES) - 1)] * rng.uniform(0.8, 1.2) for k in range(players)]
    scale = total / sum(raw)
    seconds = [int(r * scale) for r in raw]
    seconds[0] += total - sum(seconds)
    return seconds


def _team_points(rows: list[dict], team: str) -> int:
    return sum(r["points"] or 0 for r in rows if r["team_abbr"] == team)


def _shift_team_points(rows: list[dict], team: str, target: int) -> None:
    """Move the team's total to `target` one point at a time, best scorers first, keeping each player in 0-60."""
    played = sorted((r for r in rows if r["team_abbr"] == team and r["points"] is not None),
                    key=lambda r: (-r["points"], r["_rank"]))
    delta = target - _team_points(rows, team)
    step = 1 if delta > 0 else -1
    while delta:
        movable = [r for r in played if 0 <= r["points"] + step <= MAX_PLAYER_POINTS]
        if not movable:  # every player at a bound: cannot happen for 11+ players and 0-150 points
            break
        for r in movable[:abs(delta)]:
            r["points"] += step
            delta -= step


def _settle_winner(game: Game, rows: list[dict], ceiling: int, rng: random.Random) -> None:
    """Make the box score agree with the decided result (no ties in basketball): raise the winner above the
    loser, or, when that would pass the ceiling, lower the loser under the winner."""
    winner, loser = (game.home, game.away) if game.home_wins else (game.away, game.home)
    won, lost = _team_points(rows, winner), _team_points(rows, loser)
    if won <= lost:
        margin = rng.randint(1, 9)
        won = min(ceiling, lost + margin)
        _shift_team_points(rows, winner, won)
        if won <= lost:
            _shift_team_points(rows, loser, won - margin)


def season_gamebook(games: list[Game], rosters: SeasonRosters, rng: random.Random) -> list[dict[str, Any]]:
    """Gamebook rows for the season's counted and preseason games (All-Star teams are not tricodes)."""
    return [row for g in games if g.kind != "all_star" for row in box_score(g, rosters, rng)]
