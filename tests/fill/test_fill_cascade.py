"""The cascade over real HTTP (the local service on 127.0.0.1): which steps go out, in which order, how many at a
time, and how a cascade step is proven (its rows rewritten after its request, not merely present)."""

from __future__ import annotations

import datetime as dt
import re

from nbadq.report.documents import check_fill_doc
from tests.fill.conftest import EXTRA_DAYS, add_game_days, drop_phase4, null_minutes, sent_dates

D = dt.date.fromisoformat


def _overlap(entries: list[dict]) -> int:
    """The most requests of `entries` in flight at one moment (from the service's own log)."""
    edges = sorted([(e["received_s"], 1) for e in entries] +
                   [(e["received_s"] + e["duration_s"], -1) for e in entries])
    most = now = 0
    for _, step in edges:
        now += step
        most = max(most, now)
    return most


def test_a_refilled_analytics_date_re_runs_phase4_for_it_and_the_next_21_days_then_proves_the_rewrite(house, serve,
                                                                                                    fill):
    null_minutes(house, ["2024-11-05"])
    svc = serve(house.root)

    run = fill(house.root, svc)

    assert run.code == 0, run.out + run.err
    log = svc.requests()
    assert (log[0]["path"], log[0]["body"]["start_date"], log[0]["body"]["end_date"]) == (
        "/process-date-range", "2024-11-05", "2024-11-05")
    # in parallel, after it; 11-05 itself too: Phase 4 takes a date's players from its player_game_summary rows
    assert sorted(sent_dates(svc)) == ["2024-11-05", "2024-11-06", "2024-11-10"] and len(log) == 4
    analytics = run.doc["steps"].pop("analytics")
    assert list(analytics) == ["2024-11-05"] and analytics["2024-11-05"]["cascade"] is False
    assert "failing: analytics.minutes_null_rate" in analytics["2024-11-05"]["reasons"]
    assert run.doc["steps"] == {"precompute": {d: {"reasons": ["cascade: analytics 2024-11-05"], "cascade": True}
                                               for d in ("2024-11-05", "2024-11-06", "2024-11-10")}}
    assert run.outcomes("precompute") == dict.fromkeys(["2024-11-05", "2024-11-06", "2024-11-10"], "filled")
    # no predictions or grading filler here: the cascade's next steps are reported, not sent
    assert run.doc["not_planned"] == {
        "predictions": {"no filler configured": ["2024-11-05", "2024-11-06", "2024-11-10"]},
        "grading": {"no filler configured": ["2024-11-05"]}}
    outcomes = [r for r in run.ledger if r["event"] == "outcome" and r["layer"] == "precompute"]
    assert {(r["date"], r["detail"], tuple(r["reasons"])) for r in outcomes} == {
        (d, "rows rewritten after the request", ("cascade: analytics 2024-11-05",))
        for d in ("2024-11-05", "2024-11-06", "2024-11-10")}
    assert "precompute   0 failing dates -> 3 to send (3 cascade) in 3 request(s)" in run.out
    assert "cascade not re-run: predictions 3 date(s) (no filler configured)" in run.out


def test_a_cascade_step_answered_success_without_rewriting_its_rows_is_a_silent_failure(house, serve, fill):
    null_minutes(house, ["2024-11-05"])
    svc = serve(house.root, faults="silent=2024-11-10")  # rows of 11-10 exist (old): only their stamps tell

    run = fill(house.root, svc)

    assert run.code == 1, run.out + run.err
    assert run.outcomes("precompute") == {"2024-11-05": "filled", "2024-11-06": "filled",
                                          "2024-11-10": "silent_failure"}
    detail = next(r["detail"] for r in run.ledger if r["event"] == "outcome" and r["date"] == "2024-11-10")
    assert re.sub(r"sent [0-9T:Z-]+", "sent T", detail) == (
        "service answered 200 success but its rows were not rewritten after the request sent T ("
        + "; ".join(f"{name}: {n} of {n} rows older" for name, n in (
            ("team_defense_zone_analysis", 4), ("player_shot_zone_analysis", 32), ("player_daily_cache", 32),
            ("player_composite_factors", 32), ("ml_feature_store_v2", 32))) + ")")
    assert "precompute 2024-11-10 silent_failure (1 attempt, HTTP 200)" in run.out
    assert "[cascade: analytics 2024-11-05]" in run.out


def test_a_failed_upstream_step_leaves_its_cascade_not_sent(house, serve, fill):
    null_minutes(house, ["2024-11-05"])
    drop_phase4(house, ["2024-11-10"])  # failing itself, and downstream of the analytics date
    svc = serve(house.root, faults="error=2024-11-05")

    run = fill(house.root, svc)

    assert run.code == 1, run.out + run.err
    assert [r["path"] for r in svc.requests()] == ["/process-date-range"]  # nothing after the failed analytics
    assert run.outcomes("analytics") == {"2024-11-05": "failed"}
    assert run.outcomes("precompute") == dict.fromkeys(["2024-11-05", "2024-11-06", "2024-11-10"], "not_sent")
    details = {r["date"]: r["detail"] for r in run.ledger if r["event"] == "outcome" and r["layer"] == "precompute"}
    assert details == dict.fromkeys(["2024-11-05", "2024-11-06", "2024-11-10"],
                                    "upstream failed: analytics 2024-11-05")


def test_no_cascade_sends_the_failing_dates_only(house, serve, fill):
    null_minutes(house, ["2024-11-05"])
    svc = serve(house.root)

    run = fill(house.root, svc, cascade=False)

    # The Phase 4 rows of 11-06 and 11-10 are stale now, and the re-validation says so.
    assert run.code == 1, run.out + run.err
    assert [r["path"] for r in svc.requests()] == ["/process-date-range"]
    assert run.doc["after"]["precompute"]["failing_dates"] == ["2024-11-06", "2024-11-10"]
    assert run.doc["cascade"] is False
    assert ("  precompute: 2 date(s) failing after the run that passed before (2024-11-06, 2024-11-10): made stale "
            "by a refill and not re-run (--no-cascade)") in run.out


def test_layers_run_concurrently_and_each_stays_within_its_limit(house, serve, fill):
    add_game_days(house, EXTRA_DAYS)  # 10 processable dates without Phase 4 rows
    null_minutes(house, ["2025-04-15"])  # analytics late in the season: no early precompute date waits for it
    svc = serve(house.root, latencies={"analytics": 0.6, "precompute": 0.15})

    run = fill(house.root, svc, concurrency=2)

    assert run.code == 1, run.out + run.err  # the new days have no predictions, and nothing fills them here
    log = svc.requests()
    phase4 = [e for e in log if e["path"] == "/process-date"]
    assert _overlap(phase4) == 2  # the limit is reached, never passed (the service would have answered 429)
    assert all(e["status"] == 200 for e in log)
    assert sorted(sent_dates(svc)) == sorted([*EXTRA_DAYS, "2025-04-15", "2025-04-20"])
    # Precompute dates before 04-15 do not wait for the analytics request; 04-15 and 04-20 do.
    analytics = next(e for e in log if e["path"] == "/process-date-range")
    done = analytics["received_s"] + analytics["duration_s"]
    assert any(e["received_s"] < done for e in phase4)
    assert all(e["received_s"] >= done for e in phase4 if e["body"]["analysis_date"] >= "2025-04-15")


def test_the_rewrite_proof_reads_stamps_in_any_iso_spelling_at_second_precision(house):
    from nbadq.validation.rewritten import not_rewritten

    table = "nba_predictions.prediction_accuracy"
    house.sql(f"UPDATE {table} SET graded_at = '2026-11-30 13:05:00' WHERE game_date = '2024-11-06'")
    house.sql(f"UPDATE {table} SET graded_at = '2026-11-30T13:04:59Z' WHERE game_date = '2024-11-10'")
    house.conn.commit()
    sent = dt.datetime(2026, 11, 30, 13, 5, 0, 900_000, tzinfo=dt.timezone.utc)  # stamps are whole seconds
    days = [dt.date(2024, 11, 6), dt.date(2024, 11, 10), dt.date(2024, 11, 7)]

    found = not_rewritten(str(house.root), "grading", days, sent)

    assert found[days[0]] == ()
    assert re.fullmatch(r"prediction_accuracy: (\d+) of \1 rows older", found[days[1]][0])
    assert found[days[2]] == ("prediction_accuracy: no rows",)


def test_a_resumed_run_re_queues_unsettled_cascade_steps_unless_their_rows_were_rewritten(house, serve, fill,
                                                                                          tmp_path):
    null_minutes(house, ["2024-11-05"])
    svc = serve(house.root)
    first = fill(house.root, svc)
    assert first.code == 0, first.out + first.err
    # As if the first run had been killed right after proving analytics, before Phase 4 rewrote 11-10: its ledger
    # ends there, and 11-10's Phase 4 rows are as old as before (11-06's were rewritten: nothing to redo there).
    lines = first.ledger_path.read_text().splitlines(keepends=True)
    cut = next(i for i, line in enumerate(lines) if '"event": "outcome"' in line and '"analytics"' in line)
    killed = tmp_path / "killed.jsonl"
    killed.write_text("".join(lines[:cut + 1]))
    for name, column in (("nba_precompute.player_composite_factors", "game_date"),
                         ("nba_predictions.ml_feature_store_v2", "game_date")):
        house.sql(f"UPDATE {name} SET processed_at = '2024-11-10T23:30:00+00:00' WHERE {column} = '2024-11-10'")
    before = len(svc.requests())

    run = fill(house.root, svc, resume=killed)

    assert run.code == 0, run.out + run.err
    assert [(r["path"], r["body"]["analysis_date"]) for r in svc.requests()[before:]] == [
        ("/process-date", "2024-11-10")]
    assert run.doc["steps"] == {"precompute": {"2024-11-10": {
        "reasons": ["failing: precompute.stale_after_upstream", "resume: cascade: analytics 2024-11-05"],
        "cascade": False}}}
    check_fill_doc(run.doc)


BLOCKED_CONFIG = """\
[analytics]
kind = "phase3"
url_env = "NBADQ_PHASE3_URL"
[precompute]
kind = "phase4"
url_env = "NBADQ_PHASE4_URL"
[predictions]
kind = "coordinator"
url_env = "NBADQ_PREDICTIONS_URL"
"""


def test_a_step_blocked_upstream_goes_out_once_more_after_the_unfinished_upstream_steps(house, serve, fill):
    from tests.fill import scripted

    house.game("2024-04-10", "NYK", "BOS")  # last season: 11-06 does not wait for it, but the gate may read it
    null_minutes(house, ["2024-04-10"])
    house.sql("DELETE FROM nba_predictions.player_prop_predictions WHERE game_date = '2024-11-06'")
    svc = serve(house.root, latencies={"analytics": 1.0})
    coordinator, server = scripted.start(lambda r: (503, {"error": "DATA_INCOMPLETE", "details": {"missing": 1}}))
    try:
        run = fill(house.root, svc, config_text=BLOCKED_CONFIG,
                   environ={"NBADQ_PHASE3_URL": svc.url, "NBADQ_PHASE4_URL": svc.url,
                            "NBADQ_PREDICTIONS_URL": coordinator.url})
    finally:
        server.shutdown()
        server.server_close()

    assert run.code == 1, run.out + run.err
    starts = [r for r in run.ledger if r["event"] == "send" and r["layer"] == "predictions"]
    assert [r["date"] for r in starts] == ["2024-11-06", "2024-11-06"]  # once blocked, once more after analytics
    analytics_done = next(r["at"] for r in run.ledger if r["event"] == "outcome" and r["layer"] == "analytics")
    assert starts[0]["at"] < analytics_done <= starts[1]["at"]  # (ledger stamps: milliseconds)
    assert run.outcomes("predictions") == {"2024-11-06": "blocked_upstream"}  # the second answer stands
    assert "predictions 2024-11-06: blocked upstream; sent again after 1 unfinished upstream step(s) " \
           "(first: analytics 2024-04-10)" in run.out


def test_plan_prints_the_graph_by_cause_and_sends_nothing(house, serve, fill):
    null_minutes(house, ["2024-11-05"])
    svc = serve(house.root)

    run = fill(house.root, svc, plan_only=True, environ={})  # no URL variable needed to look at the plan

    assert run.code == 0, run.out + run.err
    assert svc.requests() == [] and run.ledger == [] and run.doc is None
    assert "  cascade from analytics 2024-11-05 -> precompute 2024-11-05..2024-11-10 (3 dates)" in run.out
    assert "  not planned (no filler configured): predictions 2024-11-05..2024-11-10 (3 dates)" in run.out
    assert "  not planned (no filler configured): grading 2024-11-05 (1 date)" in run.out
    assert run.out.rstrip().endswith("nothing sent (--plan)")


def test_the_cascade_reaches_past_until_by_the_warehouse_calendar(house, serve, fill):
    null_minutes(house, ["2024-11-05"])
    svc = serve(house.root)

    run = fill(house.root, svc, until=D("2024-11-05"))

    assert run.code == 0, run.out + run.err
    assert sorted(sent_dates(svc)) == ["2024-11-05", "2024-11-06", "2024-11-10"]  # past --until, inside the 21 days


CHAIN_CONFIG = BLOCKED_CONFIG + """\
poll_interval_seconds = 0.05
poll_max_seconds = 0.2
[grading]
kind = "grading"
url_env = "NBADQ_GRADING_URL"
"""


def test_the_cascade_runs_through_predictions_and_grading_each_after_its_upstream(house, serve, fill):
    null_minutes(house, ["2024-11-05"])
    svc = serve(house.root)

    run = fill(house.root, svc, config_text=CHAIN_CONFIG,
               environ={f"NBADQ_{name}_URL": svc.url for name in ("PHASE3", "PHASE4", "PREDICTIONS", "GRADING")})

    assert run.code == 0, run.out + run.err
    assert {layer: run.outcomes(layer) for layer in ("precompute", "predictions", "grading")} == {
        "precompute": dict.fromkeys(["2024-11-05", "2024-11-06", "2024-11-10"], "filled"),
        "predictions": dict.fromkeys(["2024-11-05", "2024-11-06", "2024-11-10"], "filled"),
        "grading": dict.fromkeys(["2024-11-05", "2024-11-06", "2024-11-10"], "filled")}
    # each step's first request went out after every step it depends on had its outcome written
    settled = {(r["layer"], r["date"]): r["at"] for r in run.ledger if r["event"] == "outcome"}
    first_send = {}
    for r in run.ledger:
        if r["event"] == "send":
            for day in r["dates"]:
                first_send.setdefault((r["layer"], day), r["at"])
    order = ("analytics", "precompute", "predictions", "grading")
    for (layer, day), sent in first_send.items():
        upstream = [k for k in settled if order.index(k[0]) < order.index(layer) and k[1] <= day]
        assert all(settled[k] <= sent for k in upstream), (layer, day)
    assert run.doc["steps"]["grading"]["2024-11-05"] == {
        "reasons": ["cascade: analytics 2024-11-05", "cascade: predictions 2024-11-05"], "cascade": True}
    check_fill_doc(run.doc)  # what fill writes, its published schema accepts


def test_an_upstream_failure_blocks_the_steps_whose_window_reads_it_and_no_older_one(house, serve, fill):
    null_minutes(house, ["2024-11-05"])
    drop_phase4(house, ["2024-11-10"])  # 5 days after the analytics date: Phase 4's rolling windows read it
    add_game_days(house, ["2024-12-05"])  # 30 days after: no Phase 4 rows, and a window that no longer reads 11-05
    svc = serve(house.root, faults="error=2024-11-05")

    run = fill(house.root, svc)

    assert run.code == 1, run.out + run.err
    assert run.outcomes("analytics") == {"2024-11-05": "failed"}
    assert run.outcomes("precompute") == {**dict.fromkeys(["2024-11-05", "2024-11-06", "2024-11-10"], "not_sent"),
                                          "2024-12-05": "filled"}
    assert sent_dates(svc) == ["2024-12-05"]
    details = {r["date"]: r["detail"] for r in run.ledger if r["event"] == "outcome" and r["layer"] == "precompute"}
    assert details["2024-11-10"] == "upstream failed: analytics 2024-11-05"


def test_an_analytics_date_whose_raw_gamebook_is_missing_is_blocked_upstream_not_sent(house, serve, fill):
    house.sql("DELETE FROM nba_raw.nbac_gamebook_player_stats WHERE game_id = (SELECT MIN(game_id) FROM "
              "nba_raw.nbac_gamebook_player_stats WHERE game_date = '2024-11-05')")  # one game's gamebook
    null_minutes(house, ["2024-11-05", "2024-11-10"])  # 11-05: Phase 3 had nothing to read; 11-10: refillable
    svc = serve(house.root)

    run = fill(house.root, svc)

    assert run.code == 1, run.out + run.err  # 11-05 still fails
    assert [(r["path"], r["body"].get("start_date") or r["body"]["analysis_date"]) for r in svc.requests()] == [
        ("/process-date-range", "2024-11-10"), ("/process-date", "2024-11-10")]  # no cascade from 11-05
    assert run.outcomes("analytics") == {"2024-11-05": "blocked_upstream", "2024-11-10": "filled"}
    assert run.outcomes("precompute") == {"2024-11-10": "filled"}
    assert run.doc["skipped"] == {"analytics": {"blocked_upstream": ["2024-11-05"]}}
    assert run.doc["after"]["analytics"]["failing_dates"] == ["2024-11-05"]
    why = "raw fails raw.gamebook_completeness on this date; no service refills raw"
    assert [(r["date"], r["status"], r["attempts"], r["detail"]) for r in run.ledger
            if r["event"] == "outcome" and r["layer"] == "analytics"] == [
        ("2024-11-05", "blocked_upstream", 0, why), ("2024-11-10", "filled", 1, "passes its rules again")]
    assert ("  analytics    2 failing dates -> 1 to send in 1 request(s) to phase3 " + svc.url
            + "/process-date-range, 5 at a time; not sent, blocked upstream (raw fails; no service refills raw): "
            "2024-11-05") in run.out
    assert f"  analytics 2024-11-05 blocked_upstream (0 attempts): {why}" in run.out
    check_fill_doc(run.doc)

    plan = fill(house.root, svc, plan_only=True, environ={})
    assert f"  not sent (blocked_upstream): analytics 2024-11-05: {why}" in plan.out


def test_a_stale_document_s_date_that_passes_now_starts_no_cascade(house, serve, fill, tmp_path):
    """--from-validate re-checks the document's failing dates before drawing the cascade: a date repaired since
    (by anyone) is not refilled now, so nothing after it is stale because of this run."""
    from tests.fill.direct_validate import write_validate_doc

    where = "FROM nba_analytics.player_game_summary WHERE game_date = '2024-11-05'"
    kept = house.conn.execute(f"SELECT rowid, minutes_played {where}").fetchall()
    null_minutes(house, ["2024-11-05"])
    write_validate_doc(house.root, tmp_path / "validate.json")
    house.conn.executemany("UPDATE nba_analytics.player_game_summary SET minutes_played = ? WHERE rowid = ?",
                           [(minutes, rowid) for rowid, minutes in kept])
    svc = serve(house.root)

    run = fill(house.root, svc, plan_only=True, from_validate=tmp_path / "validate.json")

    assert run.code == 0, run.out + run.err
    assert "not sent, passes now: 2024-11-05" in run.out
    assert "cascade from" not in run.out and "0 date(s) to send in 0 request(s)" in run.out
    assert svc.requests() == []
