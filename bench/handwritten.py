"""One hand-written SQLite statement that computes every dated rule's failing dates from the raw tables.

The benchmark's yardstick: what a person with sqlite3 and an afternoon would write. It re-derives the calendar
itself (dedupe, openers with the contract's fallback, season days) and must agree with `nbadq validate`.
Its SQL is hand-written per rule (BRANCHES, sharing the CTEs), by design; which rules it must answer for comes from
the suites, and a dated suite rule without a branch (or a branch for no suite rule) is an error naming it.
"""

from __future__ import annotations

from nbadq.calendar import OPENERS
from nbadq.config import project_root
from nbadq.rules.project import load_project

_OPENERS = " UNION ALL ".join(f"SELECT {y} AS sy, '{d.isoformat()}' AS opener" for y, d in OPENERS.items())

CTES = f"""
WITH sched AS (
  SELECT game_id, game_date, game_status,
         ROW_NUMBER() OVER (PARTITION BY game_id, game_date ORDER BY processed_at DESC) AS rn
  FROM nba_raw.nbac_schedule),
games AS (
  SELECT game_id, game_date,
         CAST(strftime('%Y', game_date) AS INTEGER) - (CAST(strftime('%m', game_date) AS INTEGER) < 7) AS sy
  FROM sched WHERE rn = 1 AND game_status = 3 AND substr(game_id, 3, 1) IN ('2', '4', '5')),
found_openers AS (SELECT sy, MIN(game_date) AS opener FROM games WHERE substr(game_id, 3, 1) = '2' GROUP BY sy),
contract_openers AS ({_OPENERS}),
openers AS (
  SELECT sy, opener FROM found_openers
  UNION ALL SELECT c.sy, c.opener FROM contract_openers c WHERE c.sy NOT IN (SELECT sy FROM found_openers)),
cal AS (
  SELECT g.game_date, COUNT(*) AS e, CAST(julianday(g.game_date) - julianday(o.opener) AS INTEGER) AS sd
  FROM games g LEFT JOIN openers o ON o.sy = g.sy GROUP BY g.game_date),
gb AS (SELECT game_date, COUNT(DISTINCT game_id) AS n FROM nba_raw.nbac_gamebook_player_stats
       WHERE substr(game_id, 3, 1) IN ('2', '4', '5') GROUP BY game_date),
pgs AS (SELECT game_date, COUNT(DISTINCT game_id) AS n FROM nba_analytics.player_game_summary GROUP BY game_date),
nulls AS (SELECT game_date FROM nba_analytics.player_game_summary WHERE is_dnp = 0 GROUP BY game_date
          HAVING SUM(minutes_played IS NULL) > 0.05 * COUNT(*)),
pgs_dup AS (SELECT DISTINCT game_date FROM nba_analytics.player_game_summary
            GROUP BY game_date, game_id, player_lookup HAVING COUNT(*) > 1),
pcf AS (SELECT game_date, COUNT(*) AS n FROM nba_precompute.player_composite_factors GROUP BY game_date),
psz AS (SELECT analysis_date AS d, COUNT(*) AS n FROM nba_precompute.player_shot_zone_analysis GROUP BY analysis_date),
tdz AS (SELECT analysis_date AS d, COUNT(*) AS n, SUM(COALESCE(early_season_flag, 0) = 0) AS unflagged
        FROM nba_precompute.team_defense_zone_analysis GROUP BY analysis_date),
pdc AS (SELECT cache_date AS d, COUNT(*) AS n FROM nba_precompute.player_daily_cache GROUP BY cache_date),
mlf AS (SELECT game_date AS d, COUNT(*) AS n, SUM(COALESCE(early_season_flag, 0) = 0) AS unflagged
        FROM nba_predictions.ml_feature_store_v2 GROUP BY game_date),
pcf_dup AS (SELECT DISTINCT game_date FROM nba_precompute.player_composite_factors
            GROUP BY game_date, player_lookup HAVING COUNT(*) > 1),
pred AS (SELECT game_date, COUNT(DISTINCT game_id) AS n FROM nba_predictions.player_prop_predictions
         WHERE is_active = 1 GROUP BY game_date),
pred_dup AS (SELECT DISTINCT game_date FROM nba_predictions.player_prop_predictions WHERE is_active = 1
             GROUP BY game_date, player_lookup, game_id, system_id HAVING COUNT(*) > 1),
acc AS (SELECT game_date, COUNT(DISTINCT game_id) AS n FROM nba_predictions.prediction_accuracy GROUP BY game_date),
acc_dup AS (SELECT DISTINCT game_date FROM nba_predictions.prediction_accuracy
            GROUP BY game_date, player_lookup, game_id, system_id HAVING COUNT(*) > 1),
outputs AS (
  SELECT 'PlayerGameSummaryProcessor' AS p, game_date AS d FROM pgs
  UNION ALL SELECT 'TeamDefenseZoneAnalysisProcessor', d FROM tdz
  UNION ALL SELECT 'PlayerShotZoneAnalysisProcessor', d FROM psz
  UNION ALL SELECT 'PlayerDailyCacheProcessor', d FROM pdc
  UNION ALL SELECT 'PlayerCompositeFactorsProcessor', game_date FROM pcf
  UNION ALL SELECT 'MLFeatureStoreProcessor', d FROM mlf)
"""

BRANCHES = {  # rule -> the query of its failing dates (column d), over the CTEs above
    "raw.gamebook_completeness": """SELECT c.game_date AS d FROM cal c LEFT JOIN gb ON gb.game_date = c.game_date
  WHERE COALESCE(gb.n, 0) < c.e""",
    "analytics.completeness": """SELECT c.game_date AS d FROM cal c LEFT JOIN pgs ON pgs.game_date = c.game_date
  WHERE COALESCE(pgs.n, 0) < c.e""",
    "analytics.minutes_null_rate": "SELECT game_date AS d FROM nulls",
    "analytics.duplicate_keys": "SELECT game_date AS d FROM pgs_dup",
    "precompute.completeness": """SELECT c.game_date AS d FROM cal c
  LEFT JOIN pcf ON pcf.game_date = c.game_date LEFT JOIN psz ON psz.d = c.game_date
  LEFT JOIN tdz ON tdz.d = c.game_date LEFT JOIN pdc ON pdc.d = c.game_date LEFT JOIN mlf ON mlf.d = c.game_date
  WHERE c.sd >= 14 AND (pcf.n IS NULL OR psz.n IS NULL OR tdz.n IS NULL OR pdc.n IS NULL OR mlf.n IS NULL)""",
    "precompute.early_season": """SELECT c.game_date AS d FROM cal c
  LEFT JOIN pcf ON pcf.game_date = c.game_date LEFT JOIN psz ON psz.d = c.game_date
  LEFT JOIN tdz ON tdz.d = c.game_date LEFT JOIN pdc ON pdc.d = c.game_date LEFT JOIN mlf ON mlf.d = c.game_date
  WHERE c.sd BETWEEN 0 AND 13 AND (pcf.n > 0 OR psz.n > 0 OR pdc.n > 0 OR tdz.unflagged > 0 OR mlf.unflagged > 0)""",
    "precompute.duplicate_keys": "SELECT game_date AS d FROM pcf_dup",
    "predictions.completeness": """SELECT c.game_date AS d FROM cal c LEFT JOIN pred ON pred.game_date = c.game_date
  WHERE c.sd >= 14 AND COALESCE(pred.n, 0) < c.e""",
    "predictions.duplicate_keys": "SELECT game_date AS d FROM pred_dup",
    "grading.completeness": """SELECT p.game_date AS d FROM pred p JOIN cal c ON c.game_date = p.game_date
  LEFT JOIN acc ON acc.game_date = p.game_date WHERE COALESCE(acc.n, 0) < p.n""",
    "grading.duplicate_keys": "SELECT game_date AS d FROM acc_dup",
    "reference.false_zero_runs": """SELECT DISTINCT r.data_date AS d FROM nba_reference.processor_run_history r
  JOIN outputs o ON o.p = r.processor_name AND o.d = r.data_date
  WHERE r.status = 'success' AND r.records_processed = 0 AND r.processed_at = (
    SELECT MAX(processed_at) FROM nba_reference.processor_run_history h
    WHERE h.processor_name = r.processor_name AND h.data_date = r.data_date AND h.status <> 'running')""",
}


def suite_date_rules() -> list[str]:
    """The dated rules of the project's suites (those that report failing dates)."""
    return list(dict.fromkeys(e.rule for e in load_project(project_root()).rules() if e.dated))


def statement(rules: list[str]) -> str:
    """One statement answering for `rules`; LookupError naming each rule without a branch, or a branch too many."""
    missing = [r for r in rules if r not in BRANCHES]
    stray = [r for r in BRANCHES if r not in rules]
    problems = [f"no yardstick SQL for suite rules {missing}"] * bool(missing) + \
        [f"yardstick SQL for rules the suites do not have {stray}"] * bool(stray)
    if problems:
        raise LookupError(f"bench/handwritten.py (BRANCHES): {'; '.join(problems)}")
    return CTES + "\nUNION ALL ".join(f"SELECT '{rule}' AS rule, d FROM ({BRANCHES[rule]})" for rule in rules)


def failing_dates(conn) -> dict[str, list[str]]:  # noqa: ANN001 (sqlite3.Connection)
    """Each failing dated suite rule's dates (rules that pass are absent)."""
    out: dict[str, set[str]] = {}
    for rule, day in conn.execute(statement(suite_date_rules())):
        out.setdefault(rule, set()).add(str(day))
    return {rule: sorted(days) for rule, days in out.items()}
