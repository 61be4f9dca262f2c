"""The plan, from validate documents built by hand: which dates, which layers, which requests."""

from __future__ import annotations

import datetime as dt

from nbadq.backfill.config import parse_fill_table
from nbadq.backfill.endpoints import build_calls, phase3_runs
from nbadq.backfill.plan import build_plan
from nbadq.backfill.reconcile import drop_passing
from nbadq.backfill.verify import Verifier

D = dt.date.fromisoformat
FILLERS = parse_fill_table({
    "analytics": {"kind": "phase3", "max_days_per_request": 4},
    "precompute": {"kind": "phase4"},
    "grading": {"kind": "http", "url_env": "NBADQ_GRADING_URL", "path": "/grade",
                "body": {"game_date": "{date}", "note": "refill {date}", "dry": False}},
}, "test.toml").fillers


def _doc(rules: dict[str, tuple[str | None, list[str]]], game_dates: dict[str, bool]) -> dict:
    """rules: rule -> (remediation, failing dates); game_dates: date -> processable."""
    layers: dict = {}
    for rule, (remediation, dates) in rules.items():
        layer = rule.split(".")[0]
        body = layers.setdefault(layer, {"success": True, "failing_dates": [], "expectations": []})
        body["expectations"].append({"rule": rule, "success": not dates, "failing_dates": dates,
                                     "remediation": remediation})
        body["failing_dates"] = sorted(set(body["failing_dates"]) | set(dates))
    return {"layers": layers, "window": {"since": None, "until": None},
            "calendar": {"game_dates": [{"date": d, "processable": p} for d, p in sorted(game_dates.items())]}}


CALENDAR = {"2024-10-22": False, "2024-10-25": False, "2024-11-04": False, "2024-11-05": True, "2024-11-06": True,
            "2024-11-08": True, "2024-11-09": True, "2024-11-11": True, "2024-11-12": True}


def test_layers_in_dependency_order_with_bootstrap_days_kept_from_phase4():
    doc = _doc({
        "grading.completeness": ("grading", ["2024-11-06"]),
        "precompute.completeness": ("precompute", ["2024-10-25", "2024-11-05", "2024-11-06"]),
        "precompute.early_season": (None, ["2024-10-22"]),  # no remediation: never planned
        "analytics.completeness": ("analytics", ["2024-10-25", "2024-11-05"]),
        "analytics.minutes_null_rate": ("analytics", ["2024-11-05"]),
        "predictions.completeness": ("predictions", ["2024-11-06"]),
    }, CALENDAR)

    plan = build_plan(doc, FILLERS, cascade=False)  # the failing dates only (the cascade: test_fill_graph.py)

    assert [lp.layer for lp in plan.layers] == ["analytics", "precompute", "predictions", "grading"]
    analytics, precompute, predictions, grading = plan.layers
    assert analytics.dates == (D("2024-10-25"), D("2024-11-05"))  # Phase 3 may refill a bootstrap day
    assert analytics.rules[D("2024-11-05")] == ("analytics.completeness", "analytics.minutes_null_rate")
    assert precompute.dates == (D("2024-11-05"), D("2024-11-06"))
    assert precompute.skipped == {"bootstrap": (D("2024-10-25"),)}
    assert predictions.filler is None and predictions.failing == (D("2024-11-06"),) and predictions.calls == ()
    assert [c.body for c in grading.calls] == [{"game_date": "2024-11-06", "note": "refill 2024-11-06", "dry": False}]


def test_a_failing_date_that_is_not_a_game_date_is_never_sent_to_phase4():
    doc = _doc({"precompute.completeness": ("precompute", ["2024-11-07", "2024-11-08"])}, CALENDAR)
    plan = build_plan(doc, FILLERS)
    assert plan.layer("precompute").dates == (D("2024-11-08"),)
    assert plan.layer("precompute").skipped == {"not_a_game_date": (D("2024-11-07"),)}


def test_window_and_layers_narrow_the_plan():
    doc = _doc({"precompute.completeness": ("precompute", ["2024-11-05", "2024-11-06", "2024-11-08", "2024-11-12"]),
                "analytics.completeness": ("analytics", ["2024-11-06"])}, CALENDAR)
    plan = build_plan(doc, FILLERS, layers=["precompute"], since=D("2024-11-06"), until=D("2024-11-11"))
    assert [lp.layer for lp in plan.layers] == ["precompute"]
    assert plan.layers[0].dates == (D("2024-11-06"), D("2024-11-08"))


def test_a_resumed_filled_record_skips_a_date_only_when_it_passes_in_sql_now():
    doc = _doc({"precompute.completeness": ("precompute", ["2024-11-06", "2024-11-08", "2024-11-09"])}, CALENDAR)
    checked = []

    def recheck(warehouse, rules, dates):  # the SQL says: 11-08 and 11-09 pass now, 11-06 still fails
        checked.append(sorted(dates))
        return {"precompute.completeness": ["2024-11-06"]}

    recorded = {("precompute", D("2024-11-06")), ("precompute", D("2024-11-08"))}
    plan = drop_passing(build_plan(doc, FILLERS), Verifier("wh", recheck), {D(d): p for d, p in CALENDAR.items()},
                        recorded)

    assert checked == [[D("2024-11-06"), D("2024-11-08"), D("2024-11-09")]]
    assert plan.layer("precompute").dates == (D("2024-11-06"),)  # recorded filled, but fails now: sent again
    assert plan.layer("precompute").skipped == {"already_filled": (D("2024-11-08"),), "passes_now": (D("2024-11-09"),)}


def test_phase3_runs_are_contiguous_failing_game_dates_at_most_n_days_long():
    game_dates = [D(d) for d in CALENDAR]
    failing = [D(d) for d in ("2024-11-04", "2024-11-05", "2024-11-06", "2024-11-08", "2024-11-09", "2024-11-12")]
    # 11-06 and 11-08 are neighbouring game dates (no games on 11-07); 11-11 passes, so 11-12 starts a new run;
    # 11-04..11-08 would span 5 days > 4.
    assert phase3_runs(failing, game_dates, max_days=4) == [
        [D("2024-11-04"), D("2024-11-05"), D("2024-11-06")],
        [D("2024-11-08"), D("2024-11-09")],
        [D("2024-11-12")],
    ]
    calls = build_calls(FILLERS["analytics"], failing, game_dates)
    assert [(c.body["start_date"], c.body["end_date"]) for c in calls] == [
        ("2024-11-04", "2024-11-06"), ("2024-11-08", "2024-11-09"), ("2024-11-12", "2024-11-12")]
    assert calls[0].body["processors"] == [] and calls[0].body["backfill_mode"] is True


def test_phase4_calls_are_one_per_date_with_all_processors():
    calls = build_calls(FILLERS["precompute"], [D("2024-11-05"), D("2024-11-06")])
    assert [(c.method, c.path, c.body, c.timeout) for c in calls] == [
        ("POST", "/process-date", {"analysis_date": "2024-11-05", "backfill_mode": True, "processors": []}, 900.0),
        ("POST", "/process-date", {"analysis_date": "2024-11-06", "backfill_mode": True, "processors": []}, 900.0),
    ]
