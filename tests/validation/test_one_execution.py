"""Each unexpected-rows query reaches the database once per run (nbadq.validation.gx_metrics), and GX's result is
what its own two metrics computed: the exact row count, and the query's first 200 rows."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import event
from sqlalchemy.pool import Pool

from nbadq.config import project_root
from nbadq.rules.project import load_project
from nbadq.rules.window import Window
from nbadq.validation import direct, gx_runner, run_checkpoint
from nbadq.warehouse.local import LocalWarehouse

BAD_ROWS = 250  # more unexpected rows than GX returns (200)
AS_OF = dt.datetime(2025, 1, 15, 12, tzinfo=dt.timezone.utc)  # the run's clock, rendered into raw.freshness


def test_each_rule_query_is_sent_once_with_gx_s_own_result(house, monkeypatch):
    house.insert("nba_raw.nbac_gamebook_player_stats", [
        {"game_id": f"00224{n:05d}", "game_date": "2024-02-30", "player_lookup": "nobody"} for n in range(BAD_ROWS)])
    house.close()
    outcomes: dict = {}

    def keep(*args, **kwargs):
        outcomes.update(real(*args, **kwargs))
        return outcomes

    real = gx_runner.run_checkpoint
    monkeypatch.setattr(gx_runner, "run_checkpoint", keep)  # the real runner; its outcomes are kept for the test
    sent: list[str] = []

    def trace(dbapi_conn, _record):  # SQLite's own trace: every statement as the database received it
        dbapi_conn.set_trace_callback(sent.append)

    event.listen(Pool, "connect", trace)
    try:
        doc = run_checkpoint(str(house.root), "nightly", as_of=AS_OF)
    finally:
        event.remove(Pool, "connect", trace)

    project, wh = load_project(project_root()), LocalWarehouse(house.root)
    queries = [(layer, e) for layer in project.layers.values() for e in layer.expectations if e.query]
    assert not [s for s in sent if "unexpected_row_count" in s]  # GX's COUNT(*) wrapper is never sent
    for layer, e in queries:
        query = Window(as_of=AS_OF).render(e.query)
        assert len([s for s in sent if _is_rule_query(s, query, layer.batch_query)]) == 1, e.rule
        rows = direct.unexpected_rows(wh, layer, e, Window(as_of=AS_OF))
        result = outcomes[e.id].result
        assert result["observed_value"] == len(rows), e.rule
        assert result["details"]["unexpected_rows"] == rows[:200], e.rule
    impossible = next(e for layer in doc["layers"].values() for e in layer["expectations"]
                      if e["rule"] == "raw.impossible_dates")
    assert impossible["observed_value"] == BAD_ROWS and not impossible["success"]


def _is_rule_query(statement: str, query: str, batch: str) -> bool:
    """Whether `statement` is the rule's query with its layer's batch in place of `{batch}` (GX wraps the batch its
    own way: `SELECT * FROM (...) AS anon_1 WHERE 1 = 1`). Two layers' rules may share a query text."""
    parts = query.replace("{{", "{").replace("}}", "}").split("{batch}")
    if batch not in statement or not (statement.startswith(parts[0]) and statement.endswith(parts[-1])):
        return False
    at = 0
    for part in parts:
        at = statement.find(part, at)
        if at < 0:
            return False
        at += len(part)
    return True
