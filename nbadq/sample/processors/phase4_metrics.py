"""Phase 4's rolling windows from player_game_summary: each player's last 10 played games and each team's last
15 games (points its opponents scored), strictly before the date, never across seasons (hence the bootstrap).

Two access paths feed one set of window functions, so they agree to the last digit:
- one date (the local service): the players and teams of the day, then one look-up each for their last games
  on covering indexes ((player_lookup, game_date, ...) and (opponent_team_abbr, game_date, ...)): ~3,000 rows;
- a whole season at once (the sample builder): every row of the season, windows slid in date order.
Duplicated analytics keys are collapsed first (MAX per player and date) so a bad day upstream cannot double-count.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import defaultdict, deque
from typing import NamedTuple

PLAYER_WINDOW = 10
TEAM_WINDOW = 15

PGS = "nba_analytics.player_game_summary"
# The players who played on each date of [?1, ?2], with their game.
PLAYING_SQL = f"""
SELECT game_date, player_lookup, MAX(game_id), MAX(team_abbr), MAX(opponent_team_abbr)
FROM {PGS} WHERE game_date BETWEEN ?1 AND ?2 AND is_dnp = 0
GROUP BY game_date, player_lookup ORDER BY game_date, player_lookup"""
# Teams with rows on each date of [?1, ?2].
TEAMS_SQL = f"""
SELECT DISTINCT game_date, team_abbr FROM {PGS} WHERE game_date BETWEEN ?1 AND ?2 ORDER BY game_date, team_abbr"""
# One player's last played games before a date (?3), from ?2 on.
PLAYER_HISTORY_SQL = f"""
SELECT game_date, MAX(points), MAX(minutes_played) FROM {PGS}
WHERE player_lookup = ?1 AND game_date >= ?2 AND game_date < ?3 AND is_dnp = 0
GROUP BY game_date ORDER BY game_date DESC LIMIT {PLAYER_WINDOW}"""
# Every played game of the season, per player in date order.
SEASON_PLAYER_HISTORY_SQL = f"""
SELECT player_lookup, game_date, MAX(points), MAX(minutes_played) FROM {PGS}
WHERE game_date BETWEEN ?1 AND ?2 AND is_dnp = 0
GROUP BY player_lookup, game_date ORDER BY player_lookup, game_date"""
# Points a team allowed per game: the sum over its opponents' rows (one row per opponent player).
_ALLOWED = f"""
SELECT opponent_team_abbr AS team_abbr, game_date, SUM(points) AS allowed FROM (
  SELECT opponent_team_abbr, game_date, player_lookup, COALESCE(MAX(points), 0) AS points FROM {PGS}
  WHERE {{where}} GROUP BY opponent_team_abbr, game_date, player_lookup)
GROUP BY opponent_team_abbr, game_date"""
# One team's last games before ?3 (from ?2 on): the window's first date is found on the index alone first,
# so only those games' rows are summed.
_WINDOW_START = f"""COALESCE((SELECT MIN(game_date) FROM (
  SELECT DISTINCT game_date FROM {PGS} WHERE opponent_team_abbr = ?1 AND game_date >= ?2 AND game_date < ?3
  ORDER BY game_date DESC LIMIT {TEAM_WINDOW})), ?2)"""
TEAM_HISTORY_SQL = "SELECT game_date, allowed FROM (" + _ALLOWED.format(
    where=f"opponent_team_abbr = ?1 AND game_date >= {_WINDOW_START} AND game_date < ?3") + \
    ") ORDER BY game_date DESC"
# Every team's games of the season, in date order.
SEASON_TEAM_HISTORY_SQL = _ALLOWED.format(where="game_date BETWEEN ?1 AND ?2") + " ORDER BY team_abbr, game_date"


class PlayerDay(NamedTuple):
    game_date: str
    player_lookup: str
    game_id: str
    team_abbr: str
    opponent: str
    games_in_sample: int
    points_avg: float | None
    minutes_avg: float | None
    previous_game: str | None


class TeamDay(NamedTuple):
    game_date: str
    team_abbr: str
    games_in_sample: int
    allowed_avg: float | None


def _mean(values: list[float | None]) -> float | None:
    """AVG as SQL computes it: NULLs ignored, NULL when nothing is left."""
    if None in values:
        values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def _player_day(playing: tuple, window: list[tuple[str, float | None, float | None]]) -> PlayerDay:
    """`window`: the player's last games before the date, oldest first, as (date, points, minutes)."""
    if not window:
        return PlayerDay(*playing, 0, None, None, None)
    return PlayerDay(*playing, len(window), _mean([w[1] for w in window]), _mean([w[2] for w in window]),
                     window[-1][0])


def _team_day(day: str, team: str, window: list[tuple[str, float]]) -> TeamDay:
    return TeamDay(day, team, len(window), _mean([w[1] for w in window]))


def player_days(conn: sqlite3.Connection, first: dt.date, last: dt.date, history_from: dt.date) -> list[PlayerDay]:
    playing = conn.execute(PLAYING_SQL, (first.isoformat(), last.isoformat())).fetchall()
    if first == last:
        frm, day = history_from.isoformat(), first.isoformat()
        return [_player_day(p, conn.execute(PLAYER_HISTORY_SQL, (p[1], frm, day)).fetchall()[::-1])
                for p in playing]
    history: dict[str, list[tuple]] = defaultdict(list)
    for player, *game in conn.execute(SEASON_PLAYER_HISTORY_SQL, (history_from.isoformat(), last.isoformat())):
        history[player].append(tuple(game))
    windows = _windows(history, PLAYER_WINDOW)
    return [_player_day(p, windows[(p[1], p[0])]) for p in playing]


def team_days(conn: sqlite3.Connection, first: dt.date, last: dt.date, history_from: dt.date) -> list[TeamDay]:
    teams = conn.execute(TEAMS_SQL, (first.isoformat(), last.isoformat())).fetchall()
    if first == last:
        frm, day = history_from.isoformat(), first.isoformat()
        return [_team_day(d, t, conn.execute(TEAM_HISTORY_SQL, (t, frm, day)).fetchall()[::-1]) for d, t in teams]
    history: dict[str, list[tuple]] = defaultdict(list)
    for team, *game in conn.execute(SEASON_TEAM_HISTORY_SQL, (history_from.isoformat(), last.isoformat())):
        history[team].append(tuple(game))
    windows = _windows(history, TEAM_WINDOW, with_dates=[(t, d) for d, t in teams])
    return [_team_day(d, t, windows[(t, d)]) for d, t in teams]


def _windows(history: dict[str, list[tuple]], size: int,
             with_dates: list[tuple[str, str]] | None = None) -> dict[tuple[str, str], list[tuple]]:
    """(key, date) -> the key's last `size` entries dated before that date, oldest first.

    Computed for every dated entry of the history and, when given, for extra (key, date) pairs (a team that
    plays on a date where its opponents have no rows yet).
    """
    out: dict[tuple[str, str], list[tuple]] = {}
    extra: dict[str, list[str]] = defaultdict(list)
    for key, day in with_dates or ():
        extra[key].append(day)
    for key in set(history) | set(extra):
        entries = history.get(key, [])
        days = sorted({e[0] for e in entries} | set(extra.get(key, ())))
        recent: deque = deque(maxlen=size)
        i = 0
        for day in days:
            while i < len(entries) and entries[i][0] < day:
                recent.append(entries[i])
                i += 1
            out[(key, day)] = list(recent)
    return out
