"""An independent oracle for the sample: each rule's failing dates computed in plain Python over the rows.

It shares no code with nbadq's rules (only the contract's facts: table and column names, the fallback openers),
so it can cross-check both the sample's manifest and the validation suites. Each function is one rule, written the
obvious way from its definition: a game date has a final (status 3) game of type 2, 4 or 5 in the schedule
deduplicated on (game_id, game_date) by latest processed_at; processable = season day >= 14, bootstrap = 0-13.
Which rules it answers for comes from the suites: a dated suite rule without a function here is an error naming
it, not a rule silently left out of the comparison.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import Counter, defaultdict
import os
from pathlib import Path

from nbadq.rules.project import load_project

CONTRACT_OPENERS = {2021: "2021-10-19", 2022: "2022-10-18", 2023: "2023-10-24", 2024: "2024-10-22",
                    2025: "2025-10-21", 2026: "2026-10-21"}
PHASE4 = {  # processor -> (dataset.table, date column)
    "TeamDefenseZoneAnalysisProcessor": ("nba_precompute.team_defense_zone_analysis", "analysis_date"),
    "PlayerShotZoneAnalysisProcessor": ("nba_precompute.player_shot_zone_analysis", "analysis_date"),
    "PlayerDailyCacheProcessor": ("nba_precompute.player_daily_cache", "cache_date"),
    "PlayerCompositeFactorsProcessor": ("nba_precompute.player_composite_factors", "game_date"),
    "MLFeatureStoreProcessor": ("nba_predictions.ml_feature_store_v2", "game_date"),
}
OUTPUTS = {"PlayerGameSummaryProcessor": ("nba_analytics.player_game_summary", "game_date"), **PHASE4}


class Warehouse:
    """Rows of a local warehouse directory, read with nothing but sqlite3 (only the columns a rule needs)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def rows(self, qualified: str, *columns: str) -> list[tuple]:
        dataset, name = qualified.split(".")
        conn = sqlite3.connect(f"file:{self.root / (dataset + '.sqlite')}?mode=ro", uri=True)
        try:
            return conn.execute(f"SELECT {', '.join(columns)} FROM {name}").fetchall()
        finally:
            conn.close()

    def dates(self, qualified: str, date_col: str) -> set[str]:
        return {d for (d,) in self.rows(qualified, f"DISTINCT {date_col}")}


def season_of(day: str) -> int:
    year, month = int(day[:4]), int(day[5:7])
    return year if month >= 7 else year - 1


class Calendar:
    def __init__(self, wh: Warehouse) -> None:
        latest: dict[tuple[str, str], tuple[str, int]] = {}
        for game_id, day, status, at in wh.rows("nba_raw.nbac_schedule", "game_id", "game_date", "game_status",
                                                 "processed_at"):
            if (game_id, day) not in latest or at > latest[(game_id, day)][0]:
                latest[(game_id, day)] = (at, status)
        finals = [(g, d) for (g, d), (_, status) in latest.items() if status == 3]
        self.expected = Counter(d for g, d in finals if g[2] in "245")
        openers: dict[int, str] = {}
        for g, d in finals:
            if g[2] == "2":
                openers[season_of(d)] = min(openers.get(season_of(d), d), d)
        self.openers = {**CONTRACT_OPENERS, **openers}

    def season_day(self, day: str) -> int:
        opener = self.openers[season_of(day)]
        return (dt.date.fromisoformat(day) - dt.date.fromisoformat(opener)).days

    def game_dates(self) -> list[str]:
        return sorted(self.expected)

    def processable(self) -> list[str]:
        return [d for d in self.game_dates() if self.season_day(d) >= 14]

    def bootstrap(self) -> list[str]:
        return [d for d in self.game_dates() if 0 <= self.season_day(d) < 14]


def _distinct_games(pairs: list[tuple]) -> dict[str, int]:
    """(date, game_id, ...) rows -> distinct games per date."""
    games: dict[str, set] = defaultdict(set)
    for day, game, *_ in pairs:
        games[day].add(game)
    return {d: len(g) for d, g in games.items()}


def _dup_dates(rows: list[tuple]) -> list[str]:
    """(date, *key) rows -> dates holding a key seen more than once."""
    seen = Counter(rows)
    return sorted({r[0] for r, n in seen.items() if n > 1})


def completeness(cal: Calendar, pairs: list[tuple]) -> list[str]:
    have = _distinct_games(pairs)
    return [d for d in cal.game_dates() if have.get(d, 0) < cal.expected[d]]


def minutes_null_rate(rows: list[tuple]) -> list[str]:
    """rows: (game_date, is_dnp, minutes_played)."""
    played, nulls = Counter(), Counter()
    for day, is_dnp, minutes in rows:
        if not is_dnp:
            played[day] += 1
            nulls[day] += minutes is None
    return sorted(d for d in played if nulls[d] / played[d] > 0.05)


def precompute_completeness(cal: Calendar, wh: Warehouse) -> list[str]:
    present = [wh.dates(t, col) for t, col in PHASE4.values()]
    return [d for d in cal.processable() if not all(d in p for p in present)]


def coverage(cal: Calendar, wh: Warehouse) -> float:
    have = _distinct_games(wh.rows("nba_precompute.player_composite_factors", "game_date", "game_id"))
    days = cal.processable()
    want = sum(cal.expected[d] for d in days)
    return sum(have.get(d, 0) for d in days) / want if want else 1.0


def early_season(cal: Calendar, wh: Warehouse) -> list[str]:
    boot = set(cal.bootstrap())
    bad = set()
    for name in ("PlayerCompositeFactorsProcessor", "PlayerShotZoneAnalysisProcessor", "PlayerDailyCacheProcessor"):
        bad |= wh.dates(*PHASE4[name]) & boot
    for name in ("TeamDefenseZoneAnalysisProcessor", "MLFeatureStoreProcessor"):
        t, col = PHASE4[name]
        bad |= {d for d, flag in wh.rows(t, col, "early_season_flag") if d in boot and flag != 1}
    return sorted(bad)


def _active_predictions(wh: Warehouse) -> list[tuple]:
    return [r[:4] for r in wh.rows("nba_predictions.player_prop_predictions", "game_date", "game_id",
                                   "player_lookup", "system_id", "is_active") if r[4]]


def predictions_completeness(cal: Calendar, active: list[tuple]) -> list[str]:
    have = _distinct_games(active)
    return [d for d in cal.processable() if have.get(d, 0) < cal.expected[d]]


def grading_completeness(cal: Calendar, active: list[tuple], graded: list[tuple]) -> list[str]:
    predicted, done = _distinct_games(active), _distinct_games(graded)
    return [d for d in cal.game_dates() if d in predicted and done.get(d, 0) < predicted[d]]


def false_zero_runs(wh: Warehouse) -> list[str]:
    """Dates where a processor's latest finished run recorded 0 rows while its output table holds rows."""
    dates_with_rows = {name: wh.dates(t, col) for name, (t, col) in OUTPUTS.items()}
    runs = wh.rows("nba_reference.processor_run_history", "processor_name", "data_date", "status",
                   "records_processed", "processed_at")
    latest: dict[tuple[str, str], tuple[str, str, int]] = {}
    for name, day, status, records, at in runs:
        if status != "running" and ((name, day) not in latest or at > latest[(name, day)][0]):
            latest[(name, day)] = (at, status, records)
    return sorted({day for (name, day), (_, status, records) in latest.items()
                   if status == "success" and records == 0 and name in OUTPUTS and day in dates_with_rows[name]})


def suite_date_rules() -> list[str]:
    """The dated rules of the suites the tests validate with (each reports failing dates)."""
    project = load_project(Path(os.environ["NBADQ_PROJECT_ROOT"]))
    return list(dict.fromkeys(e.rule for e in project.rules() if e.dated))


def failing_dates(root: Path) -> dict[str, list[str]]:
    """Each dated suite rule's failing dates; an error naming any suite rule the oracle has no function for."""
    return for_rules(suite_date_rules(), _every_rule(root))


def for_rules(rules: list[str], found: dict[str, list[str]]) -> dict[str, list[str]]:
    """`found` for exactly `rules`, in their order; an AssertionError naming a rule missing on either side."""
    missing = [r for r in rules if r not in found]
    stray = [r for r in found if r not in rules]
    problems = [f"no oracle for suite rules {missing}"] * bool(missing) + \
        [f"an oracle for rules the suites do not have {stray}"] * bool(stray)
    if problems:
        raise AssertionError(f"tests/sample/oracle.py (_every_rule): {'; '.join(problems)}")
    return {rule: found[rule] for rule in rules}


def _every_rule(root: Path) -> dict[str, list[str]]:
    """Every rule the oracle knows, written from its definition: a new dated rule gets its line here."""
    wh = Warehouse(root)
    cal = Calendar(wh)
    analytics = wh.rows("nba_analytics.player_game_summary", "game_date", "game_id", "player_lookup", "is_dnp",
                        "minutes_played")
    active = _active_predictions(wh)
    graded = wh.rows("nba_predictions.prediction_accuracy", "game_date", "game_id", "player_lookup", "system_id")
    return {
        "raw.gamebook_completeness": completeness(
            cal, wh.rows("nba_raw.nbac_gamebook_player_stats", "game_date", "game_id")),
        "analytics.completeness": completeness(cal, analytics),
        "analytics.minutes_null_rate": minutes_null_rate([(r[0], r[3], r[4]) for r in analytics]),
        "analytics.duplicate_keys": _dup_dates([r[:3] for r in analytics]),
        "precompute.completeness": precompute_completeness(cal, wh),
        "precompute.early_season": early_season(cal, wh),
        "precompute.duplicate_keys": _dup_dates(
            wh.rows("nba_precompute.player_composite_factors", "game_date", "player_lookup")),
        "predictions.completeness": predictions_completeness(cal, active),
        "predictions.duplicate_keys": _dup_dates(active),
        "grading.completeness": grading_completeness(cal, active, graded),
        "grading.duplicate_keys": _dup_dates(graded),
        "reference.false_zero_runs": false_zero_runs(wh),
    }


def aggregates(root: Path) -> dict[str, float]:
    wh = Warehouse(root)
    played = [m for dnp, m in wh.rows("nba_analytics.player_game_summary", "is_dnp", "minutes_played") if not dnp]
    return {"precompute.coverage": coverage(Calendar(wh), wh),
            "analytics.minutes_null_rate": sum(m is None for m in played) / len(played)}
