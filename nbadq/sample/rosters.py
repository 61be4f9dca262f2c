"""Rosters: 30 teams x 17-19 players per season, carried over between seasons, with deadline trades.

A player's scoring rate (points per minute) sets his rank on the team, hence his minutes, his chance of being a
DNP or inactive, and whether the prop systems predict him.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from nbadq.sample.names import NameSource
from nbadq.schema import TEAMS

ROSTER_SIZES = (17, 18, 18, 18, 19)  # 15 standard contracts plus two-way players
KEEP_PROBABILITY = 0.72  # share of a roster that returns the next season
TRADES_PER_SEASON = 4


@dataclass(frozen=True)
class Player:
    lookup: str
    name: str
    points_per_minute: float


@dataclass(frozen=True)
class Stint:
    player: Player
    team: str
    first: dt.date
    last: dt.date


@dataclass
class SeasonRosters:
    season_year: int
    stints: dict[str, list[Stint]] = field(default_factory=dict)  # team -> stints

    def on(self, team: str, day: dt.date) -> list[Player]:
        """The team's roster on `day`, best scorer first (rank 1)."""
        players = [s.player for s in self.stints[team] if s.first <= day <= s.last]
        return sorted(players, key=lambda p: (-p.points_per_minute, p.lookup))

    def strength(self, team: str, day: dt.date) -> float:
        """Scoring of the eight-man rotation: what makes a team win more often."""
        return sum(p.points_per_minute for p in self.on(team, day)[:8])


def _new_player(names: NameSource, rng: random.Random) -> Player:
    name, lookup = names.draw()
    # Most players are role players; a few score like stars.
    rate = min(0.95, max(0.18, rng.lognormvariate(-0.95, 0.35)))
    return Player(lookup, name, round(rate, 3))


def _season_span(season_year: int) -> tuple[dt.date, dt.date]:
    return dt.date(season_year, 7, 1), dt.date(season_year + 1, 6, 30)


def build_rosters(season_years: list[int], rng: random.Random) -> dict[int, SeasonRosters]:
    """Rosters for consecutive seasons: ~72% of each roster returns, the rest are new or free agents."""
    names = NameSource(rng)
    previous: dict[str, list[Player]] = {}
    free_agents: list[Player] = []
    out = {}
    for season in season_years:
        teams: dict[str, list[Player]] = {}
        for team in TEAMS:
            kept = [p for p in previous.get(team, []) if rng.random() < KEEP_PROBABILITY]
            free_agents.extend(p for p in previous.get(team, []) if p not in kept)
            teams[team] = kept
        rng.shuffle(free_agents)
        for team in TEAMS:
            size = rng.choice(ROSTER_SIZES)
            while len(teams[team]) < size:
                if free_agents and rng.random() < 0.4:
                    teams[team].append(free_agents.pop())
                else:
                    teams[team].append(_new_player(names, rng))
            del teams[team][size:]
        free_agents = free_agents[:200]  # the rest retire
        out[season] = _with_trades(season, teams, rng)
        previous = teams
    return out


def _with_trades(season: int, teams: dict[str, list[Player]], rng: random.Random) -> SeasonRosters:
    """Stints for the season; a few rotation players swap teams at the February trade deadline."""
    first, last = _season_span(season)
    deadline = dt.date(season + 1, 2, 6)
    rosters = SeasonRosters(season, {t: [Stint(p, t, first, last) for p in teams[t]] for t in TEAMS})
    for _ in range(TRADES_PER_SEASON):
        a, b = rng.sample(TEAMS, 2)
        stint_a = rng.choice(rosters.stints[a][3:12])
        stint_b = rng.choice(rosters.stints[b][3:12])
        if stint_a.last != last or stint_b.last != last:
            continue  # already traded this season
        for stint, new_team in ((stint_a, b), (stint_b, a)):
            rosters.stints[stint.team].remove(stint)
            rosters.stints[stint.team].append(Stint(stint.player, stint.team, first, deadline))
            rosters.stints[new_team].append(Stint(stint.player, new_team, deadline + dt.timedelta(days=1), last))
    return rosters
