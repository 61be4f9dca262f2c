"""The step graph, from validate documents built by hand: the cascade's exact steps, their reasons, what each waits
for, and the --plan text. Pure: no warehouse, no HTTP."""

from __future__ import annotations

import datetime as dt
import io

from nbadq.backfill.config import parse_fill_table
from nbadq.backfill.plan import build_graph
from nbadq.backfill.plan_text import print_graph, print_plan
from tests.fill.test_fill_plan import _doc

D = dt.date.fromisoformat
ALL = parse_fill_table({"analytics": {"kind": "phase3", "max_days_per_request": 4}, "precompute": {"kind": "phase4"},
                        "predictions": {"kind": "coordinator"}, "grading": {"kind": "grading"}}, "t.toml").fillers
# 2023-24 ends with a processable 06-17; 2024-25: opener 10-22, bootstrap through 11-04, then processable dates.
SEASON_2024 = {"2024-10-22": False, "2024-10-30": False, "2024-11-04": False, "2024-11-05": True,
               "2024-11-06": True, "2024-11-08": True, "2024-11-20": True, "2024-11-21": True}
CALENDAR = {"2024-06-10": True, "2024-06-17": True, **SEASON_2024}


def _with_seasons(doc: dict, seasons: dict[str, int]) -> dict:
    for g in doc["calendar"]["game_dates"]:
        g["season_year"] = seasons.get(g["date"], 2024 if g["date"] >= "2024-07-01" else 2023)
    return doc


def _keys(graph) -> dict[str, list[str]]:
    return {lp.layer: [d.isoformat() for d in lp.dates] for lp in graph.layers if lp.dates}


def test_a_refilled_analytics_date_cascades_21_days_inclusive_processable_only():
    doc = _with_seasons(_doc({"analytics.completeness": ("analytics", ["2024-10-30"])}, CALENDAR), {})

    graph = build_graph(doc, ALL)

    # 10-30 + 21 days = 11-20 (in); 11-21 is 22 days after (out); 11-04 is a bootstrap day (never Phase 4); 10-30
    # itself is a bootstrap day: no predictions, so nothing to grade again.
    window = ["2024-11-05", "2024-11-06", "2024-11-08", "2024-11-20"]
    assert _keys(graph) == {"analytics": ["2024-10-30"], "precompute": window, "predictions": window,
                            "grading": window}
    precompute = graph.layer("precompute")
    assert precompute.rules[D("2024-11-05")] == () and precompute.cascade_dates == tuple(D(d) for d in window)
    assert precompute.reasons[D("2024-11-20")] == ("cascade: analytics 2024-10-30",)
    assert graph.layer("predictions").reasons[D("2024-11-05")] == ("cascade: precompute 2024-11-05",)
    assert graph.layer("grading").reasons[D("2024-11-06")] == ("cascade: predictions 2024-11-06",)
    assert [(s.layer, s.date.isoformat(), s.cascade) for s in graph.steps][:2] == [
        ("analytics", "2024-10-30", False), ("precompute", "2024-11-05", True)]


def test_the_cascade_stays_in_its_season_and_merges_reasons_with_failing_rules():
    # 06-17 (2023-24) is 20 days before a processable date labelled 2024-25: not the same season, so not queued.
    calendar = {**CALENDAR, "2024-07-05": True}
    doc = _with_seasons(_doc({"analytics.completeness": ("analytics", ["2024-06-10", "2024-06-17"]),
                              "precompute.stale_after_upstream": ("precompute", ["2024-06-17"])}, calendar),
                        {"2024-07-05": 2024})

    graph = build_graph(doc, ALL)

    assert _keys(graph)["precompute"] == ["2024-06-10", "2024-06-17"]
    assert graph.layer("precompute").reasons[D("2024-06-17")] == (
        "failing: precompute.stale_after_upstream", "cascade: analytics 2024-06-10", "cascade: analytics 2024-06-17")
    assert graph.layer("precompute").rules[D("2024-06-17")] == ("precompute.stale_after_upstream",)
    assert graph.layer("grading").reasons[D("2024-06-17")] == ("cascade: analytics 2024-06-17",
                                                               "cascade: predictions 2024-06-17")


def test_no_cascade_plans_the_failing_dates_only():
    doc = _doc({"analytics.completeness": ("analytics", ["2024-10-30"]),
                "precompute.completeness": ("precompute", ["2024-11-06"])}, CALENDAR)
    graph = build_graph(doc, ALL, cascade=False)
    assert _keys(graph) == {"analytics": ["2024-10-30"], "precompute": ["2024-11-06"]}
    assert graph.layer("precompute").reasons[D("2024-11-06")] == ("failing: precompute.completeness",)


def test_layer_drops_the_cascade_into_other_layers_and_says_so():
    doc = _doc({"analytics.completeness": ("analytics", ["2024-11-05"])}, CALENDAR)
    graph = build_graph(doc, ALL, layers=["analytics", "predictions"])
    # precompute is left out, so it is not re-run: predictions are not queued either (nothing upstream changed).
    assert _keys(graph) == {"analytics": ["2024-11-05"]}
    window = ("2024-11-05", "2024-11-06", "2024-11-08", "2024-11-20", "2024-11-21")  # 11-05 + 21 days = 11-26
    assert graph.left_out == {"precompute": tuple(D(d) for d in window), "grading": (D("2024-11-05"),)}


def test_cascade_steps_of_a_layer_without_filler_are_reported_not_planned():
    fillers = {k: v for k, v in ALL.items() if k != "predictions"}
    doc = _doc({"precompute.completeness": ("precompute", ["2024-11-06", "2024-11-08"])}, CALENDAR)
    graph = build_graph(doc, fillers)
    assert _keys(graph) == {"precompute": ["2024-11-06", "2024-11-08"]}  # no predictions, so no grading after
    assert graph.layer("predictions").unplanned == {"no filler configured": (D("2024-11-06"), D("2024-11-08"))}
    assert graph.layer("predictions").failing == ()


def test_a_step_depends_on_the_earlier_layer_steps_of_the_21_days_up_to_its_date_in_its_season():
    doc = _with_seasons(_doc({"analytics.completeness": ("analytics", ["2024-06-17", "2024-10-22", "2024-10-30",
                                                                       "2024-11-05", "2024-11-08"]),
                              "precompute.completeness": ("precompute", ["2024-11-21"])}, CALENDAR), {})
    graph = build_graph(doc, ALL)
    # 10-22 is 15 days before 11-06 (inside its window), 30 days before 11-21 (outside: it cannot taint 11-21).
    assert graph.dependencies(("precompute", D("2024-11-06"))) == (
        ("analytics", D("2024-10-22")), ("analytics", D("2024-10-30")), ("analytics", D("2024-11-05")))
    # The window is inclusive: 10-30 + 21 days = 11-20 (in), 11-21 is 22 days after 10-30 (out).
    assert graph.dependencies(("precompute", D("2024-11-20")))[0] == ("analytics", D("2024-10-30"))
    assert graph.dependencies(("precompute", D("2024-11-21")))[:2] == (
        ("analytics", D("2024-11-05")), ("analytics", D("2024-11-08")))
    assert graph.dependencies(("grading", D("2024-11-08"))) == (
        ("analytics", D("2024-10-22")), ("analytics", D("2024-10-30")),
        ("analytics", D("2024-11-05")), ("analytics", D("2024-11-08")),
        ("precompute", D("2024-11-05")), ("precompute", D("2024-11-06")), ("precompute", D("2024-11-08")),
        ("predictions", D("2024-11-05")), ("predictions", D("2024-11-06")), ("predictions", D("2024-11-08")))
    assert graph.dependencies(("analytics", D("2024-11-08"))) == ()
    # 06-17 is last season's: 11-21 does not wait for it.
    assert ("analytics", D("2024-06-17")) not in graph.dependencies(("precompute", D("2024-11-21")))


def test_plan_prints_the_graph_grouped_by_cause():
    doc = _doc({"analytics.completeness": ("analytics", ["2024-10-30"]),
                "precompute.completeness": ("precompute", ["2024-11-21"])}, CALENDAR)
    graph = build_graph(doc, ALL)
    out = io.StringIO()
    print_plan(graph, {}, {}, "plan:", out)
    print_graph(graph, out)
    assert out.getvalue().splitlines() == [
        "plan:",
        "  analytics    1 failing date -> 1 to send in 1 request(s)",
        "  precompute   1 failing date -> 5 to send (4 cascade) in 5 request(s)",
        "  predictions  0 failing dates -> 5 to send (5 cascade) in 5 request(s)",
        "  grading      0 failing dates -> 5 to send (5 cascade) in 5 request(s)",
        "steps by cause:",
        "  failing: analytics.completeness -> analytics 2024-10-30 (1 date)",
        "  failing: precompute.completeness -> precompute 2024-11-21 (1 date)",
        "  cascade from analytics 2024-10-30 -> precompute 2024-11-05..2024-11-20 (4 dates), "
        "predictions 2024-11-05..2024-11-20 (4 dates), grading 2024-11-05..2024-11-20 (4 dates)",
        "  cascade from precompute 2024-11-21 -> predictions 2024-11-21 (1 date), grading 2024-11-21 (1 date)",
        "16 step(s): 2 failing, 14 cascade; nothing sent (--plan)",
    ]


def test_an_analytics_date_raw_breaks_is_not_sent_and_starts_no_cascade():
    doc = _doc({"raw.gamebook_completeness": (None, ["2024-11-05"]),
                "raw.schedule_integrity": (None, ["2024-11-06"]),
                "analytics.completeness": ("analytics", ["2024-11-05", "2024-11-21"]),
                # grading 11-05 reads 11-05's broken player_game_summary; 11-06's analytics passes: it is sent
                "grading.completeness": ("grading", ["2024-11-05", "2024-11-06"]),
                "precompute.completeness": ("precompute", ["2024-11-05"])}, CALENDAR)
    doc["layers"]["raw"]["expectations"][1]["severity"] = "warn"  # a warning breaks nothing: 11-06 is not blocked
    graph = build_graph(doc, ALL)

    analytics = graph.layer("analytics")
    assert analytics.dates == (D("2024-11-21"),) and analytics.failing == (D("2024-11-05"), D("2024-11-21"))
    assert analytics.blocked == {D("2024-11-05"): ("raw.gamebook_completeness",)}
    assert analytics.skipped == {"blocked_upstream": (D("2024-11-05"),)}
    # No cascade from analytics 11-05 (its precompute window 11-05..11-21 would be planned); 11-21 only re-runs
    # itself. Precompute 11-05 is sent (Phase 4 writes the other games' rows) and cascades into predictions 11-05,
    # but not into grading 11-05: blocked, it stays out.
    assert {layer: days for layer, days in _keys(graph).items() if layer != "analytics"} == {
        "precompute": ["2024-11-05", "2024-11-21"], "predictions": ["2024-11-05", "2024-11-21"],
        "grading": ["2024-11-06", "2024-11-21"]}
    assert graph.layer("grading").blocked == {D("2024-11-05"): ("raw.gamebook_completeness",)}
    out = io.StringIO()
    print_plan(graph, {}, {}, "plan:", out)
    print_graph(graph, out)
    text = out.getvalue().splitlines()
    assert text[1] == ("  analytics    2 failing dates -> 1 to send in 1 request(s); not sent, blocked upstream (raw "
                       "fails; no service refills raw): 2024-11-05")
    assert ("  not sent (blocked_upstream): analytics 2024-11-05: raw fails raw.gamebook_completeness on this date; "
            "no service refills raw") in text
