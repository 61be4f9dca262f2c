"""Proof per date: silent failures found, service-reported errors, the JSON document, resuming from a ledger."""

from __future__ import annotations

from tests.fill.conftest import EXTRA_DAYS, add_game_days, drop_phase4, null_minutes, sent_dates


def test_a_200_success_that_wrote_nothing_is_a_silent_failure(house, serve, fill):
    drop_phase4(house, ["2024-11-05", "2024-11-10", "2025-04-20"])
    svc = serve(house.root, faults="silent=2024-11-10")

    run = fill(house.root, svc)

    assert run.code == 1
    assert [r["status"] for r in svc.requests()] == [200, 200, 200]  # HTTP says all is well
    assert run.outcomes("precompute") == {"2024-11-05": "filled", "2024-11-10": "silent_failure",
                                          "2025-04-20": "filled"}
    assert run.doc["outcomes"]["precompute"]["2024-11-10"] == {"status": "silent_failure", "attempts": 1,
                                                               "last_http_status": 200}
    assert ("  precompute 2024-11-10 silent_failure (1 attempt, HTTP 200): service answered 200 success but "
            "precompute.completeness still fails") in run.out.splitlines()
    assert run.doc["after"]["precompute"]["failing_dates"] == ["2024-11-10"]
    outcome = next(r for r in run.ledger if r["event"] == "outcome" and r["date"] == "2024-11-10")
    assert outcome["status"] == "silent_failure"


def test_a_processor_error_reported_by_the_service_is_failed_not_silent(house, serve, fill):
    drop_phase4(house, ["2024-11-05"])
    svc = serve(house.root, faults="error=2024-11-05")

    run = fill(house.root, svc)

    assert run.code == 1
    assert run.outcomes("precompute") == {"2024-11-05": "failed"}
    assert "service reported TeamDefenseZoneAnalysisProcessor: error" in run.out


def test_silent_failure_in_a_phase3_range_is_per_date(house, serve, fill):
    null_minutes(house, ["2024-11-05", "2024-11-06"])
    svc = serve(house.root, faults="silent=2024-11-06")

    run = fill(house.root, svc)

    log = svc.requests()
    assert [r["body"]["start_date"] + ".." + r["body"]["end_date"] for r in log
            if r["path"] == "/process-date-range"] == ["2024-11-05..2024-11-06"]
    assert run.outcomes("analytics") == {"2024-11-05": "filled", "2024-11-06": "silent_failure"}
    # Phase 4 of 11-05 reads no later analytics date: it goes out; 11-06 and 11-10 wait on the silent 11-06.
    assert [r["body"]["analysis_date"] for r in log if r["path"] == "/process-date"] == ["2024-11-05"]
    assert run.outcomes("precompute") == {"2024-11-05": "filled", "2024-11-06": "not_sent", "2024-11-10": "not_sent"}
    assert run.code == 1


def test_nothing_to_do_exits_0_and_sends_nothing(house, serve, fill):
    svc = serve(house.root)

    run = fill(house.root, svc)

    assert run.code == 0
    assert svc.requests() == []
    assert run.doc["planned"] == {"analytics": [], "precompute": []}
    assert run.doc["outcomes"] == {}


def test_resume_skips_dates_the_ledger_records_as_filled(house, serve, fill, tmp_path):
    add_game_days(house, EXTRA_DAYS[:4])
    svc = serve(house.root, faults=f"silent={EXTRA_DAYS[3]}")
    ledger = tmp_path / "night.jsonl"
    first = fill(house.root, svc, ledger=ledger)
    assert first.outcomes("precompute") == {**dict.fromkeys(EXTRA_DAYS[:3], "filled"), EXTRA_DAYS[3]: "silent_failure"}
    # One filled date breaks again before the resume: a ledger record is not proof, so it is sent again.
    drop_phase4(house, [EXTRA_DAYS[0]])
    svc2 = serve(house.root)

    second = fill(house.root, svc2, resume=ledger, layers=("precompute",))  # predictions have no filler

    assert sorted(sent_dates(svc2)) == [EXTRA_DAYS[0], EXTRA_DAYS[3]]  # sent concurrently: any order
    assert second.code == 0, second.out + second.err
    assert second.outcomes("precompute") == {EXTRA_DAYS[0]: "filled", EXTRA_DAYS[3]: "filled"}
    assert f"(resume: {ledger} records 3 date(s) as filled; 1 of them fail now and are sent again)" in second.out
    events = [(r["event"], r.get("date")) for r in second.ledger]  # the same file, appended
    assert events.count(("outcome", EXTRA_DAYS[3])) == 2
    assert len({r["run_id"] for r in second.ledger}) == 2


def test_on_a_terminal_progress_is_a_bar_and_problems_are_printed_above_it(capsys):
    import datetime as dt
    import io

    from nbadq.backfill.outcomes import Outcome
    from nbadq.backfill.progress import Progress

    out = io.StringIO()
    progress = Progress(2, out=out, tty=True)
    progress.outcome(Outcome("precompute", dt.date(2024, 11, 5), "filled", 1, 200))
    progress.outcome(Outcome("precompute", dt.date(2024, 11, 6), "silent_failure", 1, 200, "still fails"))
    progress.close()

    assert out.getvalue() == "precompute 2024-11-06 silent_failure: still fails\n"
    bar = capsys.readouterr().err
    assert "2/2" in bar and "failures=1" in bar
