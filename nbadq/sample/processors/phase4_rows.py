"""Phase 4 output rows, one builder per processor, from the rolling-window metrics of a date.

Bootstrap days (season days 0-13) follow the platform: PlayerCompositeFactors, PlayerShotZoneAnalysis and
PlayerDailyCache write nothing; TeamDefenseZoneAnalysis and the ML feature store write placeholder rows flagged
early_season_flag = TRUE.
"""

from __future__ import annotations

import datetime as dt
import zlib
from typing import Any, Callable, Sequence

from nbadq.sample.processors.phase4_metrics import PlayerDay, TeamDay
from nbadq.schema import PHASE4_PROCESSORS, Table, table

FEATURE_COUNT = 33  # the width of the v2 feature vector
PRODUCTION_READY_GAMES = 5  # fewer games in the window -> features too thin to bet on
LEAGUE_POINTS_ALLOWED = 112.0  # what an average defense allows; the matchup factor is relative to it

OUTPUT_TABLES: dict[str, Table] = dict(zip(PHASE4_PROCESSORS, (
    table("nba_precompute.team_defense_zone_analysis"),
    table("nba_precompute.player_shot_zone_analysis"),
    table("nba_precompute.player_daily_cache"),
    table("nba_precompute.player_composite_factors"),
    table("nba_predictions.ml_feature_store_v2"),
)))
SKIPPED_IN_BOOTSTRAP = frozenset({
    "PlayerShotZoneAnalysisProcessor", "PlayerDailyCacheProcessor", "PlayerCompositeFactorsProcessor"})


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def rest_days(player: PlayerDay) -> int:
    """Full days off before this game; a first game of the season counts as well rested."""
    if player.previous_game is None:
        return 3
    return (dt.date.fromisoformat(player.game_date) - dt.date.fromisoformat(player.previous_game)).days - 1


def fatigue_score(player: PlayerDay) -> int:
    """0-100: heavy recent minutes and short rest raise it; a back-to-back adds a flat penalty."""
    rest = rest_days(player)
    score = 30 + 1.2 * (player.minutes_avg or 0.0) - 10 * min(rest, 3) + (15 if rest == 0 else 0)
    return max(0, min(100, round(score)))


def composite_adjustment(fatigue: int, opponent: TeamDay | None) -> float:
    """Points to add to a baseline: tired players score less, soft defenses give more."""
    fatigue = -(fatigue - 50) / 20
    allowed = opponent.allowed_avg if opponent and opponent.allowed_avg is not None else LEAGUE_POINTS_ALLOWED
    return round(fatigue + (allowed - LEAGUE_POINTS_ALLOWED) / 10, 2)


def _ready(player: PlayerDay) -> int:
    return int(player.games_in_sample >= PRODUCTION_READY_GAMES)


def team_defense(teams: Sequence[TeamDay], players: Sequence[PlayerDay], bootstrap: bool, at: str) -> list[dict]:
    return [{"team_abbr": t.team_abbr, "analysis_date": t.game_date, "games_in_sample": t.games_in_sample,
             "early_season_flag": int(bootstrap), "processed_at": at} for t in teams]


def shot_zones(teams: Sequence[TeamDay], players: Sequence[PlayerDay], bootstrap: bool, at: str) -> list[dict]:
    return [{"player_lookup": p.player_lookup, "analysis_date": p.game_date,
             "games_in_sample_10": p.games_in_sample, "early_season_flag": 0, "processed_at": at} for p in players]


def daily_cache(teams: Sequence[TeamDay], players: Sequence[PlayerDay], bootstrap: bool, at: str) -> list[dict]:
    return [{"player_lookup": p.player_lookup, "cache_date": p.game_date,
             "points_avg_last_10": _round(p.points_avg, 2), "minutes_avg_last_10": _round(p.minutes_avg, 2),
             "early_season_flag": 0, "processed_at": at} for p in players]


def composite_factors(teams: Sequence[TeamDay], players: Sequence[PlayerDay], bootstrap: bool,
                      at: str) -> list[dict]:
    defense = {(t.game_date, t.team_abbr): t for t in teams}
    rows = []
    for p in players:
        fatigue = fatigue_score(p)
        rows.append({"player_lookup": p.player_lookup, "game_id": p.game_id, "game_date": p.game_date,
                     "analysis_date": p.game_date, "fatigue_score": fatigue,
                     "total_composite_adjustment": composite_adjustment(fatigue, defense.get((p.game_date,
                                                                                                 p.opponent))),
                     "early_season_flag": int(bootstrap), "is_production_ready": _ready(p), "processed_at": at})
    return rows


def feature_quality(player: PlayerDay) -> float:
    """60-100: features filled from the player's own games rather than defaults (3 points per game in the window),
    plus up to 10 for the optional sources (tracking, injury feeds) that cover some players better than others:
    stable per player, so a date never has a single value."""
    sources = zlib.crc32(player.player_lookup.encode()) % 11
    return float(60 + 3 * min(player.games_in_sample, 10) + sources)


def feature_store(teams: Sequence[TeamDay], players: Sequence[PlayerDay], bootstrap: bool, at: str) -> list[dict]:
    return [{"player_lookup": p.player_lookup, "game_id": p.game_id, "game_date": p.game_date,
             "feature_count": FEATURE_COUNT, "early_season_flag": int(bootstrap),
             "is_production_ready": 0 if bootstrap else _ready(p), "processed_at": at,
             "feature_quality_score": feature_quality(p)} for p in players]


Builder = Callable[[Sequence[TeamDay], Sequence[PlayerDay], bool, str], list[dict[str, Any]]]
BUILDERS: dict[str, Builder] = dict(zip(PHASE4_PROCESSORS, (
    team_defense, shot_zones, daily_cache, composite_factors, feature_store)))


def output_rows(processor: str, teams: Sequence[TeamDay], players: Sequence[PlayerDay], bootstrap: bool,
                processed_at: str) -> list[dict[str, Any]]:
    """Rows `processor` writes for one date (none for the three rolling-window processors in bootstrap)."""
    if bootstrap and processor in SKIPPED_IN_BOOTSTRAP:
        return []
    return BUILDERS[processor](teams, players, bootstrap, processed_at)
