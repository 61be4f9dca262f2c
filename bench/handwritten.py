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
  SELECT game_id, game_date, game_status, home_team_score, away_team_score, processed_at, game_date_est,
         (julianday(processed_at) - julianday(game_date_est)) * 24 AS hours_after_tip,
         ROW_NUMBER() OVER (PARTITION BY game_id, game_date ORDER BY processed_at DESC) AS rn
  FROM nba_raw.nbac_schedule),
games AS (  -- final, or stuck live (live on its latest scrape more than 6 h after tip-off): played either way
  SELECT game_id, game_date,
         CAST(strftime('%Y', game_date) AS INTEGER) - (CAST(strftime('%m', game_date) AS INTEGER) < 7) AS sy
  FROM sched WHERE rn = 1 AND (game_status = 3 OR (game_status = 2 AND hours_after_tip > 6))
    AND substr(game_id, 3, 1) IN ('2', '4', '5')),
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
sys_games AS (
  SELECT game_date, replace(game_date, '-', '') || '_' || away_team_tricode || '_' || home_team_tricode AS sid,
         (game_status = 3 OR (game_status = 2 AND (julianday(processed_at) - julianday(game_date_est)) * 24 > 6))
           AND substr(game_id, 3, 1) IN ('2', '4', '5') AS counted,
         away_team_tricode AS away, home_team_tricode AS home
  FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY game_id, game_date ORDER BY processed_at DESC) AS rn
        FROM nba_raw.nbac_schedule) WHERE rn = 1),
pgs_canon AS (SELECT p.game_date, COUNT(DISTINCT p.game_id) AS n FROM nba_analytics.player_game_summary p
              JOIN sys_games s ON s.game_date = p.game_date AND s.sid = p.game_id AND s.counted GROUP BY p.game_date),
analytics_ids AS (SELECT game_date, game_id FROM nba_analytics.player_game_summary
  UNION SELECT game_date, game_id FROM nba_analytics.team_offense_game_summary
  UNION SELECT game_date, game_id FROM nba_analytics.team_defense_game_summary),
team_rows AS (
  SELECT game_date, game_id, COUNT(*) AS n, MIN(team_abbr) AS lo, MAX(team_abbr) AS hi,
         SUM(COALESCE(points_scored, 0) = 0 OR COALESCE(fg_attempts, 0) = 0
             OR points_scored NOT BETWEEN 70 AND 180) AS odd
  FROM nba_analytics.team_offense_game_summary GROUP BY game_date, game_id
  UNION ALL
  SELECT game_date, game_id, COUNT(*), MIN(defending_team_abbr), MAX(defending_team_abbr),
         SUM(COALESCE(points_allowed, 0) = 0 OR points_allowed NOT BETWEEN 70 AND 180)
  FROM nba_analytics.team_defense_game_summary GROUP BY game_date, game_id),
player_minutes AS (SELECT game_date, game_id, team_abbr, MAX(minutes_played) AS m,
                          MAX(is_dnp = 0 AND minutes_played IS NULL) AS unknown
                   FROM nba_analytics.player_game_summary GROUP BY game_date, game_id, team_abbr, player_lookup),
team_minutes AS (
  SELECT t.game_date, t.sid, CAST(round(COALESCE(SUM(p.m), 0)) AS INTEGER) AS mins, COALESCE(MAX(p.unknown), 0) AS unknown
  FROM (SELECT game_date, sid, away AS team FROM sys_games WHERE counted
        UNION ALL SELECT game_date, sid, home FROM sys_games WHERE counted) t
  JOIN (SELECT DISTINCT game_date, game_id FROM nba_analytics.player_game_summary) g
    ON g.game_date = t.game_date AND g.game_id = t.sid
  LEFT JOIN player_minutes p ON p.game_date = t.game_date AND p.game_id = t.sid AND p.team_abbr = t.team
  GROUP BY t.game_date, t.sid, t.team),
pred_dup AS (SELECT DISTINCT game_date FROM nba_predictions.player_prop_predictions WHERE is_active = 1
             GROUP BY game_date, player_lookup, game_id, system_id HAVING COUNT(*) > 1),
acc_dup AS (SELECT DISTINCT game_date FROM nba_predictions.prediction_accuracy
            GROUP BY game_date, player_lookup, game_id, system_id HAVING COUNT(*) > 1),
gradable AS (SELECT DISTINCT game_date, game_id, player_lookup, system_id FROM nba_predictions.player_prop_predictions
             WHERE is_active = 1 AND line_source = 'ACTUAL_PROP' AND invalidation_reason IS NULL),
acc_keys AS (SELECT DISTINCT game_date, game_id, player_lookup, system_id FROM nba_predictions.prediction_accuracy),
outputs AS (
  SELECT 'PlayerGameSummaryProcessor' AS p, game_date AS d FROM pgs
  UNION ALL SELECT 'TeamDefenseZoneAnalysisProcessor', d FROM tdz
  UNION ALL SELECT 'PlayerShotZoneAnalysisProcessor', d FROM psz
  UNION ALL SELECT 'PlayerDailyCacheProcessor', d FROM pdc
  UNION ALL SELECT 'PlayerCompositeFactorsProcessor', game_date FROM pcf
  UNION ALL SELECT 'MLFeatureStoreProcessor', d FROM mlf)
"""

def _off_history(calendar: str, per_date: dict[str, list[str]]) -> str:
    """Dates whose measure is off the average of the previous 28 dates of `calendar` in its season that have a value:
    rows per game (a measure named '...rows') under 70% of it, a share over it + 10 points on 50+ rows; 7+ such
    dates. `per_date`: a query with one row per game_date -> its measures, "'name', value, rows behind it"."""
    sources = list(per_date.items())
    withs = ", ".join(f"s{n} AS ({query})" for n, (query, _) in enumerate(sources))
    unpivot = " UNION ALL ".join(f"SELECT game_date, {m} FROM s{n}" for n, (_, ms) in enumerate(sources) for m in ms)
    season = "CAST(strftime('%Y', game_date) AS INTEGER) - (CAST(strftime('%m', game_date) AS INTEGER) < 7)"
    return f"""SELECT DISTINCT game_date AS d FROM (
    WITH {withs},
    days AS (SELECT game_date, {season} AS sy, ROW_NUMBER() OVER (PARTITION BY {season} ORDER BY game_date) AS i
             FROM {calendar}),
    m AS (SELECT x.game_date, x.k, x.v, x.base, days.sy, days.i
          -- an empty first SELECT names the union's columns (SQLite takes them from the first)
          FROM (SELECT NULL AS game_date, NULL AS k, NULL AS v, NULL AS base WHERE 0 UNION ALL {unpivot}) AS x
          JOIN days ON days.game_date = x.game_date)
    SELECT t.game_date, t.k FROM m t JOIN m h ON h.sy = t.sy AND h.k = t.k AND h.i BETWEEN t.i - 28 AND t.i - 1
    WHERE t.v IS NOT NULL AND h.v IS NOT NULL
    GROUP BY t.game_date, t.k, t.v, t.base
    HAVING COUNT(*) >= 7 AND ((t.k LIKE '%rows' AND t.v < 0.7 * AVG(h.v))
                              OR (t.k NOT LIKE '%rows' AND t.base >= 50 AND t.v > AVG(h.v) + 0.10)))"""


BRANCHES = {  # rule -> the query of its failing dates (column d), over the CTEs above
    "raw.gamebook_completeness": """SELECT c.game_date AS d FROM cal c LEFT JOIN gb ON gb.game_date = c.game_date
  WHERE COALESCE(gb.n, 0) < c.e""",
    "analytics.completeness": """SELECT c.game_date AS d FROM cal c LEFT JOIN pgs_canon p ON p.game_date = c.game_date
  WHERE COALESCE(p.n, 0) < c.e""",
    "analytics.minutes_null_rate": "SELECT game_date AS d FROM nulls",
    "analytics.duplicate_keys": """SELECT game_date AS d FROM pgs_dup
  UNION SELECT game_date FROM nba_analytics.upcoming_player_game_context
    GROUP BY game_date, player_lookup HAVING COUNT(*) > 1""",
    "analytics.game_id_orientation": """SELECT DISTINCT a.game_date AS d FROM analytics_ids a
  WHERE NOT EXISTS (SELECT 1 FROM sys_games s WHERE s.game_date = a.game_date AND s.sid = a.game_id)""",
    "precompute.game_id_orientation": """SELECT DISTINCT a.game_date AS d FROM (
    SELECT game_date, game_id FROM nba_precompute.player_composite_factors
    UNION SELECT game_date, game_id FROM nba_predictions.ml_feature_store_v2) a
  WHERE NOT EXISTS (SELECT 1 FROM sys_games s WHERE s.game_date = a.game_date AND s.sid = a.game_id)""",
    "analytics.team_grain": """SELECT s.game_date AS d FROM sys_games s
  WHERE s.counted AND (2 <> (SELECT COUNT(*) FROM team_rows r WHERE r.game_date = s.game_date AND r.game_id = s.sid
                             AND r.n = 2 AND r.odd = 0 AND r.lo = min(s.away, s.home) AND r.hi = max(s.away, s.home)))
  UNION SELECT m.game_date FROM team_minutes m
  JOIN (SELECT game_date, sid, MAX(CASE WHEN unknown = 0 THEN mins END) AS top FROM team_minutes
        GROUP BY game_date, sid) x
    ON x.game_date = m.game_date AND x.sid = m.sid
  WHERE m.unknown = 0
    AND m.mins < 200 + 25 * (CASE WHEN x.top > 240 THEN CAST(round((x.top - 240) / 25.0) AS INTEGER) ELSE 0 END)""",
    "analytics.column_health": """SELECT game_date AS d FROM (
    SELECT game_date, is_dnp, COALESCE(is_dnp, 0) = 0 AS p, minutes_played AS mi, points AS pt, usage_rate AS ur,
           plus_minus AS pm FROM nba_analytics.player_game_summary)
  GROUP BY game_date
  HAVING SUM(is_dnp IS NULL) > 0.01 * COUNT(*)
    OR SUM(p AND mi IS NULL) > 0.05 * SUM(p) OR SUM(p AND pt IS NULL) > 0.05 * SUM(p)
    OR SUM(p AND ur IS NULL) > 0.05 * SUM(p) OR SUM(p AND pm IS NULL) > 0.05 * SUM(p)
    OR SUM(p AND (mi < 0 OR mi > 60 OR pt < 0 OR pt > 80 OR ur < 0 OR ur > 100)) > 0
    OR (SUM(p) >= 50 AND 1 IN (COUNT(DISTINCT CASE WHEN p THEN mi END), COUNT(DISTINCT CASE WHEN p THEN pt END),
                               COUNT(DISTINCT CASE WHEN p THEN ur END), COUNT(DISTINCT CASE WHEN p THEN pm END)))""",
    "analytics.player_reconciliation": """SELECT DISTINCT b.game_date AS d FROM nba_raw.nbac_gamebook_player_stats b
  JOIN games c ON c.game_id = b.game_id AND c.game_date = b.game_date
  JOIN (SELECT game_id, game_date, replace(game_date, '-', '') || '_' || away_team_tricode || '_' || home_team_tricode
               AS sid
        FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY game_id, game_date ORDER BY processed_at DESC) AS rn
              FROM nba_raw.nbac_schedule) WHERE rn = 1) s
    ON s.game_id = b.game_id AND s.game_date = b.game_date
  WHERE b.player_status = 'active'
    AND EXISTS (SELECT 1 FROM nba_analytics.player_game_summary g WHERE g.game_date = b.game_date AND g.game_id = s.sid)
    AND NOT EXISTS (SELECT 1 FROM nba_analytics.player_game_summary p
    WHERE p.game_date = b.game_date AND p.player_lookup = b.player_lookup)""",
    "precompute.column_health": """SELECT game_date AS d FROM nba_precompute.player_composite_factors GROUP BY game_date
  HAVING SUM(fatigue_score IS NULL) > 0.05 * COUNT(*) OR SUM(fatigue_score < 0 OR fatigue_score > 100) > 0
    OR (COUNT(*) >= 50 AND COUNT(DISTINCT fatigue_score) = 1)
  UNION SELECT game_date FROM nba_predictions.ml_feature_store_v2 GROUP BY game_date
  HAVING SUM(feature_quality_score IS NULL) > 0.05 * COUNT(*)
    OR SUM(feature_quality_score < 0 OR feature_quality_score > 100) > 0
    OR (COUNT(*) >= 50 AND COUNT(DISTINCT feature_quality_score) = 1)""",
    "precompute.completeness": """SELECT c.game_date AS d FROM cal c
  LEFT JOIN pcf ON pcf.game_date = c.game_date LEFT JOIN psz ON psz.d = c.game_date
  LEFT JOIN tdz ON tdz.d = c.game_date LEFT JOIN pdc ON pdc.d = c.game_date LEFT JOIN mlf ON mlf.d = c.game_date
  WHERE c.sd >= 14 AND (pcf.n IS NULL OR psz.n IS NULL OR tdz.n IS NULL OR pdc.n IS NULL OR mlf.n IS NULL)""",
    "precompute.early_season": """SELECT c.game_date AS d FROM cal c
  LEFT JOIN pcf ON pcf.game_date = c.game_date LEFT JOIN psz ON psz.d = c.game_date
  LEFT JOIN tdz ON tdz.d = c.game_date LEFT JOIN pdc ON pdc.d = c.game_date LEFT JOIN mlf ON mlf.d = c.game_date
  WHERE c.sd BETWEEN 0 AND 13 AND (pcf.n > 0 OR psz.n > 0 OR pdc.n > 0 OR tdz.unflagged > 0 OR mlf.unflagged > 0)""",
    "precompute.duplicate_keys": """SELECT game_date AS d FROM pcf_dup
  UNION SELECT analysis_date FROM nba_precompute.player_shot_zone_analysis
    GROUP BY analysis_date, player_lookup HAVING COUNT(*) > 1
  UNION SELECT cache_date FROM nba_precompute.player_daily_cache GROUP BY cache_date, player_lookup HAVING COUNT(*) > 1
  UNION SELECT game_date FROM nba_predictions.ml_feature_store_v2
    GROUP BY game_date, player_lookup HAVING COUNT(*) > 1""",
    "precompute.player_reconciliation": """SELECT c.game_date AS d FROM cal c
  JOIN (SELECT game_date, COUNT(DISTINCT player_lookup) AS n FROM nba_precompute.player_composite_factors
        GROUP BY game_date) x ON x.game_date = c.game_date
  LEFT JOIN (SELECT game_date, COUNT(DISTINCT player_lookup) AS n FROM nba_analytics.player_game_summary
             WHERE is_dnp = 0 GROUP BY game_date) p ON p.game_date = c.game_date
  LEFT JOIN (SELECT game_date, COUNT(DISTINCT player_lookup) AS n FROM nba_predictions.ml_feature_store_v2
             GROUP BY game_date) f ON f.game_date = c.game_date
  WHERE c.sd >= 14 AND (x.n < 0.9 * p.n OR f.n < 0.95 * x.n)""",
    "precompute.stale_after_upstream": """SELECT DISTINCT t.game_date AS d FROM cal t
  JOIN (SELECT game_date, MIN(processed_at) AS at FROM nba_precompute.player_composite_factors GROUP BY game_date) w
    ON w.game_date = t.game_date
  JOIN (SELECT game_date, MAX(processed_at) AS at FROM nba_analytics.player_game_summary GROUP BY game_date) u
    ON u.game_date < t.game_date AND julianday(t.game_date) - julianday(u.game_date) <= 21
  JOIN cal c ON c.game_date = u.game_date
  WHERE t.sd >= 14 AND c.sd >= 0 AND c.sd < t.sd AND u.at > w.at""",
    "analytics.volume_vs_history": _off_history("cal", {"""
  SELECT game_date, COUNT(*) AS n, COUNT(DISTINCT game_id) AS g, SUM(p) AS p,
    SUM(p AND minutes_played IS NULL) AS mn, SUM(p AND points IS NULL) AS pn, SUM(p AND usage_rate IS NULL) AS un,
    SUM(p AND plus_minus IS NULL) AS xn, SUM(p AND minutes_played = 0) AS mz, SUM(p AND points = 0) AS pz,
    SUM(p AND usage_rate = 0) AS uz
  FROM (SELECT *, COALESCE(is_dnp, 0) = 0 AS p FROM nba_analytics.player_game_summary) GROUP BY game_date""": [
        "'rows', 1.0 * n / g, 0", "'mn', 1.0 * mn / p, p", "'pn', 1.0 * pn / p, p", "'un', 1.0 * un / p, p",
        "'xn', 1.0 * xn / p, p", "'mz', 1.0 * mz / p, p", "'pz', 1.0 * pz / p, p", "'uz', 1.0 * uz / p, p"]}),
    "precompute.volume_vs_history": _off_history("(SELECT * FROM cal WHERE sd >= 14)", {
        """SELECT game_date, COUNT(*) AS n, COUNT(DISTINCT game_id) AS g, SUM(fatigue_score IS NULL) AS nulls,
    SUM(fatigue_score = 0) AS zeros FROM nba_precompute.player_composite_factors GROUP BY game_date""": [
            "'rows', 1.0 * n / g, 0", "'fn', 1.0 * nulls / n, n", "'fz', 1.0 * zeros / n, n"],
        """SELECT game_date, COUNT(*) AS n, COUNT(DISTINCT game_id) AS g, SUM(feature_quality_score IS NULL) AS nulls,
    SUM(feature_quality_score = 0) AS zeros FROM nba_predictions.ml_feature_store_v2 GROUP BY game_date""": [
            "'ml_rows', 1.0 * n / g, 0", "'qn', 1.0 * nulls / n, n", "'qz', 1.0 * zeros / n, n"]}),
    "predictions.completeness": """SELECT c.game_date AS d FROM cal c
  LEFT JOIN (SELECT p.game_date, COUNT(DISTINCT p.game_id) AS n FROM nba_predictions.player_prop_predictions p
             JOIN sys_games s ON s.game_date = p.game_date AND s.sid = p.game_id AND s.counted
             WHERE p.is_active = 1 GROUP BY p.game_date) x ON x.game_date = c.game_date
  WHERE c.sd >= 14 AND COALESCE(x.n, 0) < c.e""",
    "predictions.game_id_orientation": """SELECT DISTINCT p.game_date AS d
  FROM nba_predictions.player_prop_predictions p WHERE p.is_active = 1
    AND NOT EXISTS (SELECT 1 FROM sys_games s WHERE s.game_date = p.game_date AND s.sid = p.game_id)""",
    "grading.game_id_orientation": """SELECT DISTINCT a.game_date AS d FROM nba_predictions.prediction_accuracy a
  WHERE NOT EXISTS (SELECT 1 FROM sys_games s WHERE s.game_date = a.game_date AND s.sid = a.game_id)""",
    "predictions.duplicate_keys": "SELECT game_date AS d FROM pred_dup",
    "grading.completeness": """SELECT DISTINCT p.game_date AS d FROM gradable p JOIN cal c ON c.game_date = p.game_date
  JOIN sys_games s ON s.game_date = p.game_date AND s.sid = p.game_id AND s.counted
  WHERE NOT EXISTS (SELECT 1 FROM acc_keys a WHERE a.game_date = p.game_date AND a.game_id = p.game_id)""",
    "grading.per_system": """SELECT DISTINCT game_date AS d FROM (
  SELECT p.game_date, p.system_id, COUNT(*) AS n, COUNT(a.game_id) AS done FROM gradable p
  LEFT JOIN acc_keys a USING (game_date, game_id, player_lookup, system_id) GROUP BY 1, 2) WHERE done < 0.8 * n""",
    "raw.schedule_integrity": """SELECT s.game_date AS d FROM sched s
  WHERE s.rn = 1 AND substr(s.game_id, 3, 1) IN ('2', '4', '5') AND (
    (s.game_status = 3 AND (s.home_team_score IS NULL OR s.away_team_score IS NULL
                            OR EXISTS (SELECT 1 FROM sched e WHERE e.rn = 1 AND e.game_status = 3
                                       AND e.game_id = s.game_id AND e.game_date < s.game_date)))
    OR (s.game_status = 2 AND s.hours_after_tip > 6) OR (s.game_status = 1 AND s.hours_after_tip > 0))""",
    # Against the wall clock, as `nbadq validate` without --as-of; outside every season's span (first to last
    # scheduled counted game, plus a day) nothing is due.
    "raw.freshness": """SELECT d FROM (
    SELECT date('now') AS d FROM nba_raw.nbac_schedule
    WHERE julianday('now') - julianday(processed_at) >= 0 GROUP BY 1
    HAVING (julianday('now') - MAX(julianday(processed_at))) * 24 > 24
    UNION ALL
    SELECT MAX(c.game_date) AS d FROM cal c
    WHERE (julianday('now') - (SELECT MAX(julianday(game_date_est)) FROM nba_raw.nbac_schedule x
                               WHERE x.game_date = c.game_date AND substr(x.game_id, 3, 1) IN ('2', '4', '5'))) * 24
          >= 9
    HAVING MAX(c.game_date) NOT IN (SELECT game_date FROM nba_analytics.player_game_summary
                                    WHERE processed_at IS NULL OR julianday(processed_at) <= julianday('now')))
  WHERE d IS NOT NULL AND EXISTS (
    SELECT 1 FROM nba_raw.nbac_schedule WHERE substr(game_id, 3, 1) IN ('2', '4', '5') GROUP BY season_year
    HAVING date('now') BETWEEN MIN(game_date) AND date(MAX(game_date), '+1 day'))""",
    "raw.prop_lines": """SELECT c.game_date AS d FROM cal c
  LEFT JOIN (SELECT game_date, COUNT(DISTINCT player_lookup) AS n FROM nba_raw.bettingpros_player_points_props
             WHERE is_active = 1 GROUP BY game_date) l ON l.game_date = c.game_date
  WHERE COALESCE(l.n, 0) < 10 * c.e""",
    "analytics.prop_line_coverage": """SELECT c.game_date AS d FROM cal c
  LEFT JOIN (SELECT game_date, COUNT(*) AS n, SUM(has_prop_line = 1) AS lined
             FROM nba_analytics.upcoming_player_game_context GROUP BY game_date) x ON x.game_date = c.game_date
  WHERE x.n IS NULL OR x.lined * 100 < 35 * x.n""",
    "predictions.prop_line_coverage": """SELECT c.game_date AS d FROM cal
  JOIN nba_analytics.upcoming_player_game_context c ON c.game_date = cal.game_date AND c.has_prop_line = 1
  WHERE cal.sd >= 14 AND c.game_date IN (SELECT game_date FROM nba_predictions.player_prop_predictions
                                           WHERE is_active = 1)
  GROUP BY c.game_date
  HAVING 10 * SUM(EXISTS (SELECT 1 FROM nba_predictions.player_prop_predictions p WHERE p.game_date = c.game_date
                          AND p.player_lookup = c.player_lookup AND p.is_active = 1)) < 9 * COUNT(*)""",
    "predictions.player_reconciliation": """SELECT c.game_date AS d FROM (
    SELECT game_date, player_lookup FROM nba_analytics.upcoming_player_game_context GROUP BY game_date, player_lookup
    HAVING MAX(has_prop_line) = 0) c
  JOIN cal ON cal.game_date = c.game_date AND cal.sd >= 14
  WHERE c.game_date IN (SELECT game_date FROM nba_predictions.player_prop_predictions WHERE is_active = 1)
  GROUP BY c.game_date
  HAVING 10 * SUM(EXISTS (SELECT 1 FROM nba_predictions.player_prop_predictions p WHERE p.game_date = c.game_date
                          AND p.player_lookup = c.player_lookup AND p.is_active = 1)) < 9 * COUNT(*)""",
    "predictions.per_system": """SELECT DISTINCT game_date AS d FROM nba_predictions.player_prop_predictions
  WHERE line_source = 'ACTUAL_PROP' GROUP BY game_date, system_id
  HAVING SUM(COALESCE(is_active, 0) = 0) > 0.2 * COUNT(*)""",
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
