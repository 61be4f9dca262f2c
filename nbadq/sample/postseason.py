"""Play-in and playoffs: seeds from the regular-season standings, then best-of-seven series round by round."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from typing import Callable

from nbadq.sample.games import Game, decide, nba_id
from nbadq.sample.teams import CONFERENCE_OF

ROUNDS = ("first_round", "conf_semifinals", "conf_finals", "finals")
HOME_GAMES_OF_BETTER_SEED = (1, 2, 5, 7)  # the 2-2-1-1-1 format
Strength = Callable[[str, dt.date], float]


def seeds(regular: list[Game], strength: Strength, day: dt.date) -> dict[str, list[str]]:
    """Conference standings by wins (ties: the stronger roster)."""
    wins = Counter(g.home if g.home_wins else g.away for g in regular)
    out: dict[str, list[str]] = {}
    for conf in ("East", "West"):
        teams = [t for t in CONFERENCE_OF if CONFERENCE_OF[t] == conf]
        out[conf] = sorted(teams, key=lambda t: (-wins[t], -strength(t, day), t))
    return out


def postseason(season_year: int, regular_end: dt.date, regular: list[Game], strength: Strength,
               rng: random.Random) -> list[Game]:
    standings = seeds(regular, strength, regular_end)
    tuesday = regular_end + dt.timedelta(days=2)
    play_in, qualified = _play_in(season_year, tuesday, standings, strength, rng)
    saturday = tuesday + dt.timedelta(days=4)
    return play_in + _playoffs(season_year, saturday, qualified, strength, rng)


def _play_in(season_year: int, tuesday: dt.date, standings: dict[str, list[str]], strength: Strength,
             rng: random.Random) -> tuple[list[Game], dict[str, list[str]]]:
    """7 v 8 (winner is the 7th seed), 9 v 10, then the 7/8 loser hosts the 9/10 winner for the 8th seed."""
    games, qualified, sequence = [], {}, 0
    friday = tuesday + dt.timedelta(days=3)
    for offset, conf in enumerate(("East", "West")):
        s = standings[conf]
        first_day = tuesday + dt.timedelta(days=offset)
        results = []
        for home, away in ((s[6], s[7]), (s[8], s[9])):
            game = _game("play_in", season_year, f"001{sequence}1", first_day, home, away, strength, rng, "play_in")
            games.append(game)
            results.append(game)
            sequence += 1
        seventh, loser78 = _winner_loser(results[0])
        winner910, _ = _winner_loser(results[1])
        last = _game("play_in", season_year, f"001{sequence}1", friday, loser78, winner910, strength, rng, "play_in")
        games.append(last)
        sequence += 1
        qualified[conf] = [*s[:6], seventh, _winner_loser(last)[0]]
    return games, qualified


def _playoffs(season_year: int, saturday: dt.date, qualified: dict[str, list[str]], strength: Strength,
              rng: random.Random) -> list[Game]:
    games: list[Game] = []
    # First round pairs by seed index; the bracket keeps 1/8 with 4/5 and 2/7 with 3/6.
    bracket = {conf: [(q[0], q[7]), (q[3], q[4]), (q[2], q[5]), (q[1], q[6])] for conf, q in qualified.items()}
    seed_rank = {t: i for q in qualified.values() for i, t in enumerate(q)}
    ready: dict[str, dt.date] = {t: saturday + dt.timedelta(days=i % 2) for q in bracket.values()
                                 for i, pair in enumerate(q) for t in pair}
    for round_no, round_name in enumerate(ROUNDS, start=1):
        pairs = [p for conf in ("East", "West") for p in bracket[conf]] if round_no < 4 else bracket["Finals"]
        winners = []
        for idx, (a, b) in enumerate(pairs):
            better, worse = sorted((a, b), key=lambda t: (seed_rank[t], t))
            start = max(ready[a], ready[b])
            series, winner, end = _series(season_year, round_no, idx, start, better, worse, round_name,
                                          strength, rng)
            games += series
            winners.append(winner)
            ready[winner] = end + dt.timedelta(days=2 if round_no < 3 else 5)
        if round_no < 3:
            half = len(winners) // 2
            bracket = {"East": list(zip(winners[:half:2], winners[1:half:2])),
                       "West": list(zip(winners[half::2], winners[half + 1::2]))}
        elif round_no == 3:
            bracket = {"Finals": [(winners[0], winners[1])]}
    return games


def _series(season_year: int, round_no: int, idx: int, start: dt.date, better: str, worse: str, round_name: str,
            strength: Strength, rng: random.Random) -> tuple[list[Game], str, dt.date]:
    wins = Counter()
    games, day = [], start
    for number in range(1, 8):
        home, away = (better, worse) if number in HOME_GAMES_OF_BETTER_SEED else (worse, better)
        sequence = f"00{round_no}{idx}{number}"
        game = _game("playoffs", season_year, sequence, day, home, away, strength, rng, round_name)
        games.append(game)
        wins[_winner_loser(game)[0]] += 1
        if max(wins.values()) == 4:
            break
        day += dt.timedelta(days=3 if rng.random() < 0.25 else 2)
    return games, wins.most_common(1)[0][0], day


def _game(kind: str, season_year: int, sequence: str, day: dt.date, home: str, away: str, strength: Strength,
          rng: random.Random, round_name: str) -> Game:
    home_wins = decide(rng, strength(home, day), strength(away, day))
    return Game(nba_id(kind, season_year, sequence), day, season_year, kind, home, away, home_wins, round_name)


def _winner_loser(game: Game) -> tuple[str, str]:
    return (game.home, game.away) if game.home_wins else (game.away, game.home)
