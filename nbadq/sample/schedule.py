"""A season's games (preseason, regular season, All-Star, play-in, playoffs) and the schedule rows scraped for them.

The schedule table is append-only, one row per game per scrape: every game is scraped when the league publishes
the schedule (status 1) and after it ends (status 3); some are also caught live (status 2) or re-scraped. A
postponed game keeps its NBA.com id: its old date stays in the table as a scheduled game that never happened.
Every row carries the tip-off (game_date_est, Eastern wall clock as NBA.com gives it, on the game date); final
rows carry the score, the box score's team totals. Every scrape after tip-off happens before the morning's
analytics run (08:00), so raw data precedes what is derived from it.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, replace
from typing import Any

from nbadq.sample.games import Game, decide, nba_id
from nbadq.sample.postseason import postseason
from nbadq.sample.regular_season import MAX_PER_DAY, assign_dates, matchups
from nbadq.sample.rosters import SeasonRosters
from nbadq.sample.season_calendar import SeasonCalendar, season_calendar
from nbadq.schema import TEAMS

POSTPONED_PER_SEASON = 2
PRESEASON_GAMES_PER_TEAM = 5
LIVE_SCRAPE_SHARE = 0.15
REPEAT_SCRAPE_SHARE = 0.06
TIPOFFS = ("19:00", "19:30", "20:00", "20:30", "21:00", "22:00", "22:30")  # all before the 23:40 live scrape
ALL_STAR_POINTS = (140, 175)


@dataclass(frozen=True)
class Season:
    calendar: SeasonCalendar
    games: tuple[Game, ...]  # every game, in date order

    @property
    def season_year(self) -> int:
        return self.calendar.season_year

    def counted(self) -> list[Game]:
        return [g for g in self.games if g.counted]


def build_season(season_year: int, rosters: SeasonRosters, rng: random.Random) -> Season:
    cal = season_calendar(season_year)
    regular = _regular_season(cal, rosters, rng)
    regular = _postpone(regular, cal, rng)
    games = [*_preseason(cal, rosters, rng), *regular, *_all_star(cal, rng),
             *postseason(season_year, cal.regular_season_end, regular, rosters.strength, rng)]
    return Season(cal, tuple(sorted(games, key=lambda g: (g.game_date, g.nba_id))))


def _regular_season(cal: SeasonCalendar, rosters: SeasonRosters, rng: random.Random) -> list[Game]:
    placed = assign_dates(matchups(rng), cal.regular_season_days(), rng)
    return [Game(nba_id("regular", cal.season_year, seq), day, cal.season_year, "regular", home, away,
                 decide(rng, rosters.strength(home, day), rosters.strength(away, day)))
            for seq, (day, home, away) in enumerate(placed, start=1)]


def _postpone(regular: list[Game], cal: SeasonCalendar, rng: random.Random) -> list[Game]:
    """Move a couple of December/January games to a free day at least a month later."""
    busy: dict[dt.date, set[str]] = {}
    for g in regular:
        busy.setdefault(g.game_date, set()).update((g.home, g.away))
    candidates = [g for g in regular if g.game_date.month in (12, 1)]
    moved = {}
    for game in rng.sample(candidates, POSTPONED_PER_SEASON):
        later = [d for d in cal.regular_season_days()[1:-1] if d >= game.game_date + dt.timedelta(days=30)]
        day = next(d for d in later if not {game.home, game.away} & busy[d] and len(busy[d]) < 2 * MAX_PER_DAY)
        busy[day] |= {game.home, game.away}
        busy[game.game_date] -= {game.home, game.away}
        moved[game.nba_id] = replace(game, game_date=day, postponed_from=game.game_date)
    return [moved.get(g.nba_id, g) for g in regular]


def _preseason(cal: SeasonCalendar, rosters: SeasonRosters, rng: random.Random) -> list[Game]:
    """About five games per team in the two weeks before the opener."""
    days = [cal.opener - dt.timedelta(days=k) for k in range(17, 3, -1)]
    left = {t: PRESEASON_GAMES_PER_TEAM for t in TEAMS}
    games = []
    for day in days:
        free = [t for t in TEAMS if left[t] > 0]
        rng.shuffle(free)
        for home, away in list(zip(free[::2], free[1::2]))[:rng.randint(3, 7)]:
            left[home] -= 1
            left[away] -= 1
            games.append((day, home, away))
    return [Game(nba_id("preseason", cal.season_year, seq), day, cal.season_year, "preseason", home, away,
                 decide(rng, rosters.strength(home, day), rosters.strength(away, day)))
            for seq, (day, home, away) in enumerate(games, start=1)]


def _all_star(cal: SeasonCalendar, rng: random.Random) -> list[Game]:
    """Rising Stars on the Friday and the All-Star game on the Sunday of the break: final, but never counted."""
    friday = cal.all_star_sunday - dt.timedelta(days=2)
    return [Game(nba_id("all_star", cal.season_year, 1), friday, cal.season_year, "all_star", "RSA", "RSB",
                 rng.random() < 0.5),
            Game(nba_id("all_star", cal.season_year, 2), cal.all_star_sunday, cal.season_year, "all_star", "EST",
                 "WST", rng.random() < 0.5)]


def _stamp(day: dt.date, hour: int, minute: int = 0) -> str:
    return f"{day.isoformat()}T{hour:02d}:{minute:02d}:00+00:00"


def schedule_rows(season: Season, rng: random.Random, scores: dict[tuple[str, str], int],
                  tip_rng: random.Random) -> list[dict[str, Any]]:
    """Every scrape of every game of the season (several rows per game). `scores`: (NBA.com id, team) -> points
    from the box scores; `tip_rng` draws tip-offs (and the All-Star scores, which have no box score)."""
    published = dt.date(season.season_year, 8, 14)
    rows = []
    for game in season.games:
        tip = tip_rng.choice(TIPOFFS)
        row = _row(game, tip)
        first_seen = published if game.kind in ("preseason", "regular", "all_star") else \
            game.game_date - dt.timedelta(days=2)
        if game.postponed_from:
            old = {**row, "game_date": game.postponed_from.isoformat(),
                   "game_date_est": f"{game.postponed_from.isoformat()}T{tip}:00+00:00"}
            rows += [{**old, "game_status": 1, "processed_at": _stamp(published, 18)},
                     {**old, "game_status": 1, "processed_at": _stamp(game.postponed_from, 17, 30)}]
            first_seen = game.postponed_from + dt.timedelta(days=1)
        rows.append({**row, "game_status": 1, "processed_at": _stamp(first_seen, 18)})
        if rng.random() < LIVE_SCRAPE_SHARE:
            rows.append({**row, "game_status": 2, "processed_at": _stamp(game.game_date, 23, 40)})
        after = game.game_date + dt.timedelta(days=1)
        final = {**row, "game_status": 3, **_final_score(game, scores, tip_rng)}
        rows.append({**final, "processed_at": _stamp(after, 6)})
        if rng.random() < REPEAT_SCRAPE_SHARE:
            rows.append({**final, "processed_at": _stamp(after, 6, 45)})
    return rows


def team_scores(gamebook: list[dict[str, Any]]) -> dict[tuple[str, str], int]:
    """(NBA.com id, team) -> the team's points in the box score."""
    out: dict[tuple[str, str], int] = {}
    for r in gamebook:
        key = (r["game_id"], r["team_abbr"])
        out[key] = out.get(key, 0) + (r["points"] or 0)
    return out


def _final_score(game: Game, scores: dict[tuple[str, str], int], rng: random.Random) -> dict[str, int]:
    if game.kind == "all_star":  # no box score: draw a plausible exhibition score, the decided winner ahead
        low, high = sorted(rng.sample(range(*ALL_STAR_POINTS), 2))
        home, away = (high, low) if game.home_wins else (low, high)
    else:
        home, away = scores[(game.nba_id, game.home)], scores[(game.nba_id, game.away)]
    return {"home_team_score": home, "away_team_score": away}


def _row(game: Game, tip: str) -> dict[str, Any]:
    return {"game_id": game.nba_id, "game_date": game.game_date.isoformat(), "season_year": game.season_year,
            "is_regular_season": int(game.kind == "regular"),
            "is_playoffs": int(game.kind in ("playoffs", "play_in")),
            "is_all_star": int(game.kind == "all_star"), "playoff_round": game.playoff_round,
            "home_team_tricode": game.home, "away_team_tricode": game.away,
            "game_date_est": f"{game.game_date.isoformat()}T{tip}:00+00:00"}
