"""Box scores: the raw gamebook rows of every counted and preseason game (both teams' whole rosters).

Per team: 2-4 inactive players (mostly the end of the bench, sometimes an injured starter), 1-3 DNPs, and the
rest play 240 minutes between them (265 after overtime) as "MM:SS". Points follow each player's scoring rate; the
team totals agree with the winner the schedule decided. A few played rows lose their minutes (the residual
NULLs the platform really has), at most one per game so no date exceeds the 5% threshold by accident.
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


def box_score(game: Game, rosters: SeasonRosters, rng: random.Random) -> list[dict[str, Any]]:
    seconds = (240 + (25 if rng.random() < OVERTIME_SHARE else 0)) * 60
    rows = []
    for team in (game.home, game.away):
        rows += _team_rows(game, team, rosters.on(team, game.game_date), seconds, rng)
    _settle_winner(game, rows, rng)
    if rng.random() < MISSING_MINUTES_SHARE:
        played = [r for r in rows if r["player_status"] == "active"]
        rng.choice(played[1:])["minutes"] = None
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
    team_target = rng.gauss(113, 11)
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
            row["points"] = max(0, round(rng.gauss(mu, 1.1 * mu ** 0.5)))
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


def _settle_winner(game: Game, rows: list[dict], rng: random.Random) -> None:
    """Make the box score agree with the decided result (no ties in basketball)."""
    totals = {t: sum(r["points"] or 0 for r in rows if r["team_abbr"] == t) for t in (game.home, game.away)}
    winner, loser = (game.home, game.away) if game.home_wins else (game.away, game.home)
    if totals[winner] <= totals[loser]:
        top = max((r for r in rows if r["team_abbr"] == winner and r["points"] is not None),
                  key=lambda r: r["points"])
        top["points"] += totals[loser] - totals[winner] + rng.randint(1, 9)


def season_gamebook(games: list[Game], rosters: SeasonRosters, rng: random.Random) -> list[dict[str, Any]]:
    """Gamebook rows for the season's counted and preseason games (All-Star teams are not tricodes)."""
    return [row for g in games if g.kind != "all_star" for row in box_score(g, rosters, rng)]
