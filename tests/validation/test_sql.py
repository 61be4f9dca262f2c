"""The suites' SQL is one text for both engines: it parses as BigQuery SQL, and a windowed run sends only
statements that filter every platform table's date column with the window (so BigQuery prunes partitions and
accepts tables with require_partition_filter)."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlglot
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import Pool
from sqlglot import exp

from nbadq.config import project_root
from nbadq.validation import gx_runner  # noqa: F401  (GX and the window hook, as a run uses them)
from nbadq.rules.batch import substitute_batch
from nbadq.rules.project import load_project
from nbadq.rules.window import Window
from nbadq.schema import BY_NAME

PROJECT = load_project(project_root())
QUERIES = [(f"{layer.name}:{i}:{e.rule}", layer, text)
           for layer in PROJECT.layers.values()
           for i, e in enumerate(layer.expectations)
           for text in (e.query, e.meta.get("metric_query")) if text]


@pytest.mark.parametrize("name,layer,query", QUERIES, ids=[q[0] for q in QUERIES])
def test_suite_query_parses_as_bigquery(name, layer, query):
    sql = substitute_batch(query, layer.batch_query)
    tree = sqlglot.parse_one(sql, read="bigquery")
    assert tree.find(exp.Select) is not None


def test_coverage_metric_is_the_rule_query_s_core():
    exp_ = next(e for e in PROJECT.rules() if e.rule == "precompute.coverage")
    assert exp_.meta["metric_query"] in exp_.query
    assert exp_.query.rstrip().endswith("WHERE m.coverage < 0.80")


def test_false_zero_sql_covers_exactly_the_configured_outputs():
    rule = next(e for e in PROJECT.rules() if e.rule == "reference.false_zero_runs")
    for out in rule.meta["processor_outputs"]:
        assert (f"SELECT '{out['processor']}' AS processor_name, {out['date_column']} AS data_date, "
                f"COUNT(*) AS output_rows FROM {out['table']}") in rule.query
    assert rule.query.count("SELECT '") == len(rule.meta["processor_outputs"])


def _date_filters(select: exp.Select) -> set[tuple[str, str, str]]:
    where = select.args.get("where")
    found = set()
    for between in (where.find_all(exp.Between) if where else []):
        col = between.this
        if isinstance(col, exp.Column):
            found.add((col.name, between.args["low"].name, between.args["high"].name))
    return found


def _lookback_of(low: str, since: str, most_days: int = 60) -> bool:
    """`low` is `since`, or a date at most `most_days` before it."""
    try:
        gap = (dt.date.fromisoformat(since) - dt.date.fromisoformat(low)).days
    except ValueError:
        return False
    return 0 <= gap <= most_days


def windowed_violations(statements: list[str], since: str, until: str) -> list[str]:
    problems = []
    for sql in statements:
        for table in sqlglot.parse_one(sql, read="bigquery").find_all(exp.Table):
            name = f"{table.db}.{table.name}"
            if name not in BY_NAME or name.startswith("nba_dq."):
                continue
            select = table.find_ancestor(exp.Select)
            # The window, or a lookback before it (a rule's lookback sentinel rendered: see nbadq/rules/window.py).
            if not any(col == BY_NAME[name].date_column and high == until and _lookback_of(low, since)
                       for col, low, high in _date_filters(select)):
                problems.append(f"{name} unfiltered in: {sql[:160]}")
    return problems


def test_windowed_run_filters_every_platform_table(house):
    from sqlalchemy_bigquery import BigQueryDialect

    from nbadq.validation import run_checkpoint

    dialect, sent, at_cursor = BigQueryDialect(), [], []

    def capture(conn, clause, multiparams, params, execution_options):
        sent.append(str(clause.compile(dialect=dialect, compile_kwargs={"literal_binds": True})))

    def trace(dbapi_conn, _record):  # SQLite's own trace: every statement as the database received it
        dbapi_conn.set_trace_callback(at_cursor.append)

    event.listen(Engine, "before_execute", capture)
    event.listen(Pool, "connect", trace)
    try:
        run_checkpoint(str(house.root), "nightly", dt.date(2024, 11, 1), dt.date(2024, 11, 30))
    finally:
        event.remove(Engine, "before_execute", capture)
        event.remove(Pool, "connect", trace)
    # What reached the database carried the window, never the whole-history sentinel.
    reached = [s for s in at_cursor if "nba_" in s and not s.startswith(("ATTACH", "PRAGMA"))]
    assert reached and not [s for s in reached if "'0001-" in s or "9999-12-31" in s]  # lookback sentinels too
    # precompute.stale_after_upstream reads player_game_summary 21 days before the window, and only that.
    assert any("game_date BETWEEN '2024-10-11' AND '2024-11-30'" in s for s in reached)
    # The volume_vs_history rules read their tables 56 days before the window (the previous 28 game dates).
    assert any("game_date BETWEEN '2024-09-06' AND '2024-11-30' AND game_date < '2024-11-01'" in s for s in reached)
    assert all("'2024-11-01'" in s for s in reached if "BETWEEN" in s)
    # GX's statements are rendered for the window at the cursor, exactly as nbadq does here.
    window = Window(dt.date(2024, 11, 1), dt.date(2024, 11, 30))
    statements = [window.render(s) for s in sent if "nba_" in s]
    assert len(statements) > 20
    assert windowed_violations(statements, "2024-11-01", "2024-11-30") == []


def test_violation_check_catches_an_unfiltered_statement():
    bad = "SELECT COUNT(*) FROM nba_analytics.player_game_summary WHERE is_dnp = FALSE"
    good = ("SELECT COUNT(*) FROM nba_analytics.player_game_summary "
            "WHERE game_date BETWEEN '2024-11-01' AND '2024-11-30'")
    assert windowed_violations([good], "2024-11-01", "2024-11-30") == []
    assert len(windowed_violations([bad, good], "2024-11-01", "2024-11-30")) == 1
    lookback = good.replace("'2024-11-01'", "'2024-10-11'")
    whole_history = good.replace("'2024-11-01'", "'0001-01-22'")
    assert windowed_violations([lookback], "2024-11-01", "2024-11-30") == []
    assert len(windowed_violations([whole_history], "2024-11-01", "2024-11-30")) == 1


def test_lookback_sentinel_renders_before_since():
    from nbadq.rules.window import lookback_sentinel

    sql = f"x BETWEEN {lookback_sentinel(21)} AND '9999-12-31' AND y BETWEEN '0001-01-01' AND '9999-12-31'"
    assert lookback_sentinel(21) == "'0001-01-22'"
    assert Window(dt.date(2024, 11, 6), dt.date(2024, 11, 6)).render(sql) == (
        "x BETWEEN '2024-10-16' AND '2024-11-06' AND y BETWEEN '2024-11-06' AND '2024-11-06'")
    assert Window(None, dt.date(2024, 11, 6)).render(sql) == (
        "x BETWEEN '0001-01-22' AND '2024-11-06' AND y BETWEEN '0001-01-01' AND '2024-11-06'")
