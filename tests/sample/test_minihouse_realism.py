"""The mini-warehouse the rule tests build on (tests/minihouse.py) carries the contract's newer tables realistically:
scores, two team rows per game, context and lines, per-system predictions, grading of gradable predictions only,
processed_at in pipeline order; with rotation=True also 240 team minutes and lines for 35-60% of the context."""

from __future__ import annotations

import pytest

from tests.minihouse import AWAY_SCORE, HOME_SCORE, PROCESSABLE, clean_season

GAMES = 10  # final counted games of the clean season


@pytest.fixture(scope="module", params=[False, True], ids=["compact", "rotation"])
def mini(request, tmp_path_factory):
    h = clean_season(tmp_path_factory.mktemp("mini") / "warehouse", rotation=request.param)
    yield h
    h.close()


def _one(h, sql: str) -> tuple:
    return h.conn.execute(sql).fetchone()


def test_final_games_have_scores_and_two_rows_in_each_team_table(mini):
    assert _one(mini, "SELECT COUNT(*), MIN(home_team_score), MAX(away_team_score), SUM(processed_at > game_date_est) "
                      "FROM nba_raw.nbac_schedule WHERE game_status = 3 AND home_team_score IS NOT NULL") == \
        (12, HOME_SCORE, AWAY_SCORE, 12)  # the 10 counted games, the preseason and the All-Star game
    assert _one(mini, "SELECT COUNT(*) FROM nba_raw.nbac_schedule WHERE game_status <> 3 "
                      "AND home_team_score IS NOT NULL") == (0,)
    assert _one(mini, "SELECT COUNT(*), COUNT(DISTINCT game_id), SUM(home_game), MIN(points_scored), "
                      "MAX(points_scored) FROM nba_analytics.team_offense_game_summary") == \
        (2 * GAMES, GAMES, GAMES, AWAY_SCORE, HOME_SCORE)
    assert _one(mini, "SELECT COUNT(*) FROM nba_analytics.team_defense_game_summary AS d "
                      "JOIN nba_analytics.team_offense_game_summary AS o ON o.game_id = d.game_id "
                      "AND o.team_abbr = d.opponent_team_abbr AND o.points_scored = d.points_allowed") == (2 * GAMES,)


def test_played_rows_carry_usage_plus_minus_and_attempts(mini):
    assert _one(mini, "SELECT COUNT(*) - COUNT(usage_rate), COUNT(*) - COUNT(plus_minus), COUNT(*) - "
                      "COUNT(fg_attempts), MIN(usage_rate) >= 5, MAX(usage_rate) <= 40, MIN(plus_minus) < 0 "
                      "FROM nba_analytics.player_game_summary WHERE is_dnp = 0") == (0, 0, 0, 1, 1, 1)
    assert _one(mini, "SELECT COUNT(*) FROM nba_analytics.player_game_summary WHERE is_dnp = 1 AND "
                      "COALESCE(points, usage_rate, plus_minus, fg_attempts) IS NOT NULL") == (0,)


def test_team_minutes_and_line_share_depend_on_the_size(mini):
    minutes = _one(mini, "SELECT MIN(m), MAX(m) FROM (SELECT SUM(minutes_played) AS m FROM "
                         "nba_analytics.player_game_summary WHERE is_dnp = 0 GROUP BY game_id, team_abbr)")
    share = _one(mini, "SELECT MIN(s), MAX(s) FROM (SELECT AVG(has_prop_line) AS s FROM "
                       "nba_analytics.upcoming_player_game_context GROUP BY game_date)")
    lined = _one(mini, "SELECT MIN(n) FROM (SELECT COUNT(DISTINCT c.player_lookup) AS n FROM "
                       "nba_analytics.upcoming_player_game_context AS c JOIN nba_raw.bettingpros_player_points_props "
                       "AS p USING (game_date, player_lookup) GROUP BY c.game_id)")
    points = _one(mini, "SELECT COUNT(*) FROM nba_analytics.team_offense_game_summary AS o WHERE points_scored = "
                        "(SELECT SUM(points) FROM nba_analytics.player_game_summary AS p "
                        "WHERE p.game_id = o.game_id AND p.team_abbr = o.team_abbr)")
    if mini.rotation:
        assert (minutes, share, lined, points) == ((240.0, 240.0), (10 / 17, 10 / 17), (10,), (2 * GAMES,))
    else:
        assert (minutes, share, lined, points) == ((60.0, 60.0), (0.8, 0.8), (4,), (0,))


def test_only_gradable_predictions_are_graded_per_system(mini):
    systems = 2 if mini.rotation else 1
    predicted = _one(mini, "SELECT COUNT(*), COUNT(DISTINCT system_id), SUM(line_source = 'ESTIMATED_AVG'), "
                           "SUM((line_source = 'ESTIMATED_AVG') <> (recommendation = 'NO_LINE')) "
                           "FROM nba_predictions.player_prop_predictions")
    per_game = 17 if mini.rotation else 5  # players predicted per game and system: every context player
    no_line = (7 if mini.rotation else 1) * systems * 7  # those without a line (the DNP among them), 7 games
    assert predicted == (per_game * systems * 7, systems, no_line, 0)
    graded = _one(mini, """
        SELECT COUNT(*), SUM(p.line_source = 'ACTUAL_PROP' AND p.invalidation_reason IS NULL),
               SUM(a.line_source = 'ACTUAL_PROP' AND a.has_prop_line = 1), COUNT(a.prediction_correct)
        FROM nba_predictions.prediction_accuracy AS a JOIN nba_predictions.player_prop_predictions AS p
          USING (player_lookup, game_id, system_id)""")
    gradable = per_game * systems * 7 - no_line
    assert graded == (gradable,) * 4
    assert sorted(PROCESSABLE) == [r[0] for r in mini.conn.execute(
        "SELECT DISTINCT game_date FROM nba_predictions.prediction_accuracy ORDER BY 1")]


def test_processed_at_follows_the_pipeline(mini):
    stamps = {}
    for name, table, column in (
            ("lines", "nba_raw.bettingpros_player_points_props", "processed_at"),
            ("context", "nba_analytics.upcoming_player_game_context", "processed_at"),
            ("summary", "nba_analytics.player_game_summary", "processed_at"),
            ("teams", "nba_analytics.team_offense_game_summary", "processed_at"),
            ("phase4", "nba_predictions.ml_feature_store_v2", "processed_at"),
            ("predictions", "nba_predictions.player_prop_predictions", "created_at"),
            ("grading", "nba_predictions.prediction_accuracy", "graded_at")):
        stamps[name] = _one(mini, f"SELECT group_concat(DISTINCT substr({column}, 11)) FROM {table}")
    assert stamps == {"lines": ("T07:00:00",), "context": ("T08:00:00",), "summary": ("T23:00:00",),
                      "teams": ("T23:00:00",), "phase4": ("T23:30:00",), "predictions": ("T23:40:00",),
                      "grading": ("T23:59:00",)}
