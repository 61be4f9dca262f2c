"""The regular season: 1,230 games (82 per team, 41 at home) spread over the season's open days.

Matchups follow the league's formula: 4 games against each division rival, 4 or 3 against the other conference
teams (3 against two teams from each other division, rotated), 2 against every team of the other conference.
Dates are filled day by day, busiest teams first, with at most one game per team per day.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

from nbadq.sample.teams import DIVISIONS
from nbadq.schema import TEAMS

GAMES = 1230
MAX_PER_DAY = len(TEAMS) // 2
# Relative busyness by weekday (Monday first): the league stacks Wednesdays and Fridays.
WEEKDAY_WEIGHT = (1.1, 0.85, 1.3, 0.75, 1.2, 1.0, 0.85)


def matchups(rng: random.Random) -> list[tuple[str, str]]:
    """(home, away) for every regular-season game of one season."""
    games: list[tuple[str, str]] = []
    for divisions in DIVISIONS.values():
        divs = list(divisions.values())
        three_game = _three_game_pairs(divs, rng)  # (extra-home team, other team)
        conference = [t for d in divs for t in d]
        for i, a in enumerate(conference):
            for b in conference[i + 1:]:
                if (a, b) in three_game or (b, a) in three_game:
                    home = a if (a, b) in three_game else b
                    away = b if home == a else a
                    games += [(home, away), (home, away), (away, home)]
                else:
                    games += [(a, b), (a, b), (b, a), (b, a)]
    east = [t for d in DIVISIONS["East"].values() for t in d]
    west = [t for d in DIVISIONS["West"].values() for t in d]
    games += [pair for e in east for w in west for pair in ((e, w), (w, e))]
    assert len(games) == GAMES
    return games


def _three_game_pairs(divs: list[tuple[str, ...]], rng: random.Random) -> set[tuple[str, str]]:
    """Each team meets two teams of each other division 3 times, hosting one of them twice."""
    pairs = set()
    for a, b in ((divs[0], divs[1]), (divs[1], divs[2]), (divs[2], divs[0])):
        shift = rng.randrange(5)
        for i, team in enumerate(a):
            pairs.add((team, b[(i + shift) % 5]))
            pairs.add((b[(i + shift + 1) % 5], team))
    return pairs


def day_targets(days: list[dt.date], rng: random.Random) -> list[int]:
    """Games per day: 2 on opening night, every team on the last day, the rest by weekday with noise."""
    middle = days[1:-1]
    weights = [WEEKDAY_WEIGHT[d.weekday()] * rng.uniform(0.7, 1.3) for d in middle]
    remaining = GAMES - 2 - MAX_PER_DAY
    scale = remaining / sum(weights)
    targets = [min(MAX_PER_DAY - 1, max(1, round(w * scale))) for w in weights]
    return [2, *targets, MAX_PER_DAY]


def assign_dates(pairs: list[tuple[str, str]], days: list[dt.date],
                 rng: random.Random) -> list[tuple[dt.date, str, str]]:
    """Place every matchup on a day; no team plays twice a day and none plays three days running if avoidable."""
    pool = list(pairs)
    rng.shuffle(pool)
    last_day = _full_slate(pool, rng)
    for pair in last_day:
        pool.remove(pair)
    left = Counter(t for p in pool for t in p)
    played_on: dict[dt.date, set[str]] = {days[-1]: set(TEAMS)}
    placed: list[tuple[dt.date, str, str]] = [(days[-1], h, a) for h, a in last_day]
    for day, target in zip(days[:-1], day_targets(days, rng)):
        tired = _played_both(played_on, day)
        busy: set[str] = set()
        pool.sort(key=lambda p: -(left[p[0]] + left[p[1]] + 6 * rng.random()))
        kept = []
        for home, away in pool:
            if len(busy) < 2 * target and not {home, away} & busy and not {home, away} & tired:
                busy |= {home, away}
                placed.append((day, home, away))
                left[home] -= 1
                left[away] -= 1
            else:
                kept.append((home, away))
        pool = kept
        played_on[day] = busy
    for home, away in pool:  # the few the greedy pass could not fit: any open day both teams are free
        day = next(d for d in rng.sample(days[1:-1], len(days) - 2)
                   if not {home, away} & played_on[d] and len(played_on[d]) < 2 * MAX_PER_DAY)
        played_on[day] |= {home, away}
        placed.append((day, home, away))
    return sorted(placed)


def _full_slate(pool: list[tuple[str, str]], rng: random.Random) -> list[tuple[str, str]]:
    """Fifteen matchups covering all 30 teams: the last day of the regular season."""
    while True:
        busy: set[str] = set()
        slate = []
        for home, away in rng.sample(pool, len(pool)):
            if not {home, away} & busy:
                busy |= {home, away}
                slate.append((home, away))
        if len(slate) == MAX_PER_DAY:
            return slate


def _played_both(played_on: dict[dt.date, set[str]], day: dt.date) -> set[str]:
    one, two = day - dt.timedelta(days=1), day - dt.timedelta(days=2)
    return played_on.get(one, set()) & played_on.get(two, set())
