"""The platform's tables as the contract (shared/platform-contract.md, section 1) describes them.

Only the columns listed here may be relied on by rules; real tables have more. Types are BigQuery's; the local
warehouse stores DATE and TIMESTAMP as ISO TEXT, BOOL as INTEGER 0/1 and NUMERIC as REAL (contract, section 2).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

# BigQuery type -> SQLite column affinity used when nbadq creates a local table.
SQLITE_TYPES = {
    "STRING": "TEXT",
    "DATE": "TEXT",
    "TIMESTAMP": "TEXT",
    "INT64": "INTEGER",
    "BOOL": "INTEGER",
    "NUMERIC": "REAL",
    "FLOAT64": "REAL",
}


@dataclass(frozen=True)
class Table:
    dataset: str
    name: str
    columns: tuple[tuple[str, str], ...]  # (column, BigQuery type)
    date_column: str
    key: tuple[str, ...]
    # True where BigQuery partitions the table on date_column (queries must filter it).
    partitioned: bool = True

    @property
    def qualified(self) -> str:
        return f"{self.dataset}.{self.name}"

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c for c, _ in self.columns)

    def create_sql(self) -> str:
        """CREATE TABLE for the local warehouse (SQLite), with the table's own name (no dataset prefix)."""
        cols = ", ".join(f"{c} {SQLITE_TYPES[t]}" for c, t in self.columns)
        return f"CREATE TABLE IF NOT EXISTS {self.name} ({cols})"


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def stored_date(value: Any) -> dt.date | None:
    """A DATE column's value as the contract stores it (BigQuery DATE, or ISO `YYYY-MM-DD` TEXT locally), or None
    when it is not a real date (`2024-02-30`, `2024/01/07`, NULL): the row then belongs to no game date."""
    if isinstance(value, dt.date):
        return value
    text = str(value) if value is not None else ""
    if not _ISO_DATE.fullmatch(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def last_day(value: Any) -> str | None:
    """BigQuery's LAST_DAY(date) for the local warehouse (registered on every SQLite connection nbadq opens): the
    month's last day, NULL for a value that is not a real date. raw.impossible_dates tests `LAST_DAY(d) IS NULL`,
    which on BigQuery (DATE columns) holds only for NULL and locally finds exactly what stored_date rejects."""
    day = stored_date(value)
    if day is None:
        return None
    return day.replace(day=calendar.monthrange(day.year, day.month)[1]).isoformat()


def _cols(spec: str) -> tuple[tuple[str, str], ...]:
    """'a STRING, b DATE' -> (('a', 'STRING'), ('b', 'DATE'))."""
    pairs = (part.split() for part in spec.split(","))
    return tuple((name, typ) for name, typ in pairs)


TABLES: tuple[Table, ...] = (
    Table("nba_raw", "nbac_schedule", _cols(
        "game_id STRING, game_date DATE, season_year INT64, game_status INT64, is_regular_season BOOL, "
        "is_playoffs BOOL, is_all_star BOOL, playoff_round STRING, home_team_tricode STRING, "
        "away_team_tricode STRING, processed_at TIMESTAMP, home_team_score INT64, away_team_score INT64, "
        "game_date_est TIMESTAMP"), "game_date", ("game_id", "game_date")),
    Table("nba_raw", "nbac_gamebook_player_stats", _cols(
        "game_id STRING, game_date DATE, season_year INT64, player_lookup STRING, team_abbr STRING, "
        "player_status STRING, minutes STRING, points INT64"), "game_date", ("game_id", "player_lookup")),
    # Added 2026-11-30 (contract section 1, "More tables"): one offered line per bookmaker, side and scrape.
    Table("nba_raw", "bettingpros_player_points_props", _cols(
        "game_date DATE, player_lookup STRING, bookmaker STRING, bet_side STRING, points_line FLOAT64, "
        "is_active BOOL, processed_at TIMESTAMP"), "game_date",
        ("game_date", "player_lookup", "bookmaker", "bet_side", "processed_at")),
    Table("nba_analytics", "player_game_summary", _cols(
        "player_lookup STRING, game_id STRING, game_date DATE, season_year INT64, team_abbr STRING, "
        "opponent_team_abbr STRING, points INT64, minutes_played NUMERIC, is_dnp BOOL, is_active BOOL, "
        "player_status STRING, processed_at TIMESTAMP, usage_rate NUMERIC, plus_minus INT64, fg_attempts INT64"),
        "game_date", ("game_id", "player_lookup")),
    Table("nba_analytics", "team_offense_game_summary", _cols(
        "game_id STRING, game_date DATE, season_year INT64, team_abbr STRING, opponent_team_abbr STRING, "
        "points_scored INT64, fg_attempts INT64, home_game BOOL, processed_at TIMESTAMP"), "game_date",
        ("game_id", "team_abbr")),
    Table("nba_analytics", "team_defense_game_summary", _cols(
        "game_id STRING, game_date DATE, season_year INT64, defending_team_abbr STRING, "
        "opponent_team_abbr STRING, points_allowed INT64, processed_at TIMESTAMP"), "game_date",
        ("game_id", "defending_team_abbr")),
    Table("nba_analytics", "upcoming_player_game_context", _cols(
        "player_lookup STRING, game_id STRING, game_date DATE, team_abbr STRING, opponent_team_abbr STRING, "
        "has_prop_line BOOL, current_points_line NUMERIC, processed_at TIMESTAMP"), "game_date",
        ("game_date", "player_lookup")),
    Table("nba_precompute", "player_composite_factors", _cols(
        "player_lookup STRING, game_id STRING, game_date DATE, analysis_date DATE, fatigue_score INT64, "
        "total_composite_adjustment NUMERIC, early_season_flag BOOL, is_production_ready BOOL, "
        "processed_at TIMESTAMP"), "game_date", ("game_date", "player_lookup")),
    Table("nba_precompute", "player_shot_zone_analysis", _cols(
        "player_lookup STRING, analysis_date DATE, games_in_sample_10 INT64, early_season_flag BOOL, "
        "processed_at TIMESTAMP"), "analysis_date", ("analysis_date", "player_lookup")),
    Table("nba_precompute", "team_defense_zone_analysis", _cols(
        "team_abbr STRING, analysis_date DATE, games_in_sample INT64, early_season_flag BOOL, "
        "processed_at TIMESTAMP"), "analysis_date", ("analysis_date", "team_abbr")),
    Table("nba_precompute", "player_daily_cache", _cols(
        "player_lookup STRING, cache_date DATE, points_avg_last_10 NUMERIC, minutes_avg_last_10 NUMERIC, "
        "early_season_flag BOOL, processed_at TIMESTAMP"), "cache_date", ("cache_date", "player_lookup")),
    Table("nba_predictions", "ml_feature_store_v2", _cols(
        "player_lookup STRING, game_id STRING, game_date DATE, feature_count INT64, early_season_flag BOOL, "
        "is_production_ready BOOL, processed_at TIMESTAMP, feature_quality_score NUMERIC"), "game_date",
        ("game_date", "player_lookup"),
        partitioned=False),
    Table("nba_predictions", "player_prop_predictions", _cols(
        "prediction_id STRING, player_lookup STRING, game_id STRING, game_date DATE, system_id STRING, "
        "predicted_points NUMERIC, is_active BOOL, created_at TIMESTAMP, line_source STRING, "
        "current_points_line NUMERIC, recommendation STRING, invalidation_reason STRING"), "game_date",
        ("prediction_id",),
        partitioned=False),
    Table("nba_predictions", "prediction_accuracy", _cols(
        "player_lookup STRING, game_id STRING, game_date DATE, system_id STRING, actual_points INT64, "
        "minutes_played NUMERIC, is_voided BOOL, graded_at TIMESTAMP, line_source STRING, has_prop_line BOOL, "
        "prediction_correct BOOL"), "game_date",
        ("player_lookup", "game_id", "system_id")),
    Table("nba_reference", "processor_run_history", _cols(
        "processor_name STRING, run_id STRING, status STRING, data_date DATE, records_processed INT64, "
        "phase STRING, skip_reason STRING, processed_at TIMESTAMP"), "data_date", ("run_id", "status")),
)

# nbadq's own dataset: the calendar it derives from the schedule.
NBADQ_DATASET = "nba_dq"
GAME_DATES = Table(NBADQ_DATASET, "game_dates", _cols(
    "game_date DATE, season_year INT64, season_day INT64, expected_games INT64, is_bootstrap BOOL, "
    "is_processable BOOL, opener DATE, opener_source STRING"), "game_date", ("game_date",), partitioned=False)

PLATFORM_DATASETS: tuple[str, ...] = tuple(dict.fromkeys(t.dataset for t in TABLES))
ALL_DATASETS: tuple[str, ...] = (*PLATFORM_DATASETS, NBADQ_DATASET)
BY_NAME: dict[str, Table] = {t.qualified: t for t in (*TABLES, GAME_DATES)}

TEAMS: tuple[str, ...] = tuple(
    "ATL BOS BKN CHA CHI CLE DAL DEN DET GSW HOU IND LAC LAL MEM MIA MIL MIN NOP NYK OKC ORL PHI PHX POR SAC "
    "SAS TOR UTA WAS".split()
)

PHASE4_PROCESSORS: tuple[str, ...] = (
    "TeamDefenseZoneAnalysisProcessor",
    "PlayerShotZoneAnalysisProcessor",
    "PlayerDailyCacheProcessor",
    "PlayerCompositeFactorsProcessor",
    "MLFeatureStoreProcessor",
)


def table(qualified: str) -> Table:
    return BY_NAME[qualified]
