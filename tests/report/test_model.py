"""The view model: exact cell statuses, season spans, hover text, rule names, the latest game date."""

from __future__ import annotations

import pytest

from nbadq.report.coverage import BOOTSTRAP, FAILING, NO_GAMES, PASSING, GameDate, cell_status
from nbadq.report.model import LatestGameDate, build_report

from .report_docs import D, expectation, layer, realistic_layers, realistic_validate_doc, validate_doc as make_doc


@pytest.fixture(scope="module")
def realistic_report():
    """Built once: the parametrized cell checks below only read it."""
    return build_report(realistic_validate_doc())


def cells(report, year: int, layer_name: str):
    season = next(s for s in report.seasons if s.year == year)
    return next(lc for lc in season.layers if lc.layer == layer_name).cells


@pytest.mark.parametrize("layer_name, day, status", [
    ("precompute", "2024-10-22", BOOTSTRAP),   # opener, season day 0
    ("precompute", "2024-10-25", FAILING),     # bootstrap date failing precompute.early_season: failing wins
    ("precompute", "2024-11-04", BOOTSTRAP),   # day 13, the last bootstrap day
    ("precompute", "2024-11-05", PASSING),     # day 14, the first processable day
    ("precompute", "2024-11-28", NO_GAMES),    # Thanksgiving
    ("precompute", "2025-01-14", FAILING),
    ("predictions", "2024-10-22", BOOTSTRAP),
    ("predictions", "2025-01-14", FAILING),
    ("analytics", "2024-10-22", PASSING),      # bootstrap is by design only for precompute and predictions
    ("grading", "2024-11-04", PASSING),
    ("grading", "2024-11-05", FAILING),
    ("raw", "2024-12-24", NO_GAMES),
])
def test_cell_status_2024_25(realistic_report, layer_name, day, status):
    assert cells(realistic_report, 2024, layer_name)[D(day)].status == status


@pytest.mark.parametrize("layer_name, day, status", [
    ("analytics", "2023-11-29", FAILING),
    ("raw", "2024-02-16", NO_GAMES),           # All-Star break
    ("predictions", "2024-04-14", NO_GAMES),   # between the regular season and the play-in
    ("predictions", "2024-04-20", FAILING),    # playoffs without predictions
    ("reference", "2024-03-02", FAILING),
    ("reference", "2024-03-03", PASSING),
])
def test_cell_status_2023_24(realistic_report, layer_name, day, status):
    assert cells(realistic_report, 2023, layer_name)[D(day)].status == status


def test_cell_status_rules():
    day = D("2024-10-23")
    bootstrap_game = GameDate(day, 2024, 1, 9, processable=False)
    assert cell_status("precompute", day, set(), bootstrap_game) == BOOTSTRAP
    assert cell_status("predictions", day, set(), bootstrap_game) == BOOTSTRAP
    assert cell_status("precompute", day, {day}, bootstrap_game) == FAILING
    assert cell_status("grading", day, set(), bootstrap_game) == PASSING
    assert cell_status("grading", day, set(), None) == NO_GAMES
    assert cell_status("grading", day, {day}, None) == FAILING


def test_seasons_newest_first_drawn_from_opener_to_last_game_date(validate_doc):
    report = build_report(validate_doc)
    assert [(s.label, s.start, s.end) for s in report.seasons] == [
        ("2024-25", D("2024-10-22"), D("2025-01-14")),
        ("2023-24", D("2023-10-24"), D("2024-06-16")),
    ]
    assert [len(lc.cells) for lc in report.seasons[0].layers] == [85] * 6
    assert [len(lc.cells) for lc in report.seasons[1].layers] == [237] * 6


def test_status_counts_for_one_season_and_layer(validate_doc):
    season = build_report(validate_doc).seasons[0]
    precompute = next(lc for lc in season.layers if lc.layer == "precompute")
    assert precompute.counts == {"failing": 2, "warning": 0, "bootstrap": 13, "passing": 68, "no-games": 2}


def test_failing_cell_hover_names_date_layer_rule_reason_and_season_day(validate_doc):
    cell = cells(build_report(validate_doc), 2024, "precompute")[D("2024-10-25")]
    assert cell.title == ("Fri 2024-10-25 · precompute\nFAILING\n"
                          "precompute.early_season: no placeholder rows in team_defense_zone_analysis\n"
                          "2024-25 day 3 · 12 games")


def test_bootstrap_and_no_games_hover(validate_doc):
    report = build_report(validate_doc)
    assert cells(report, 2024, "predictions")[D("2024-10-22")].title == (
        "Tue 2024-10-22 · predictions\nBOOTSTRAP\nexcluded by design: Phase 4 needs 14 days of history\n"
        "2024-25 day 0 · 2 games")
    assert cells(report, 2024, "raw")[D("2024-11-28")].title == "Thu 2024-11-28 · raw\nNO GAMES\n2024-25 day 37"


def test_fill_outcomes_mark_cells(validate_doc, fill_doc):
    report = build_report(validate_doc, fill_doc)
    precompute = cells(report, 2023, "precompute")
    assert precompute[D("2024-01-05")].fill == "silent_failure"
    assert precompute[D("2024-01-05")].status == FAILING
    assert precompute[D("2024-01-05")].title.endswith("\nlast fill: silent failure (1 attempt, HTTP 200)")
    assert precompute[D("2024-01-10")].fill == "filled"
    assert precompute[D("2024-01-10")].status == PASSING
    assert precompute[D("2024-01-10")].title.endswith("\nlast fill: filled (2 attempts, HTTP 200)")
    assert precompute[D("2024-02-05")].fill is None
    assert cells(report, 2024, "precompute")[D("2025-01-14")].title.endswith("last fill: not sent (0 attempts)")


def test_window_clips_the_drawn_range():
    doc = make_doc({"raw": layer(expectation("raw.gamebook_completeness"))},
                   {2023: None, 2024: D("2025-01-14")}, since="2024-12-01", until="2025-01-14")
    assert [(s.year, s.start, s.end) for s in build_report(doc).seasons] == [(2024, D("2024-12-01"), D("2025-01-14"))]


def test_failing_date_outside_the_games_stretches_its_season():
    """A failure on an off-season date (a run history row, say) must still be visible."""
    doc = make_doc({"reference": layer(expectation("reference.false_zero_runs", {D("2024-07-15"): "1 run"})),
                    "analytics": layer(expectation("analytics.completeness"))}, {2024: D("2024-11-30")})
    season = build_report(doc).seasons[0]
    assert (season.start, season.end) == (D("2024-07-15"), D("2024-11-30"))
    assert cells(build_report(doc), 2024, "reference")[D("2024-07-15")].status == FAILING
    assert cells(build_report(doc), 2024, "analytics")[D("2024-07-15")].status == NO_GAMES


def test_aggregate_failure_colours_no_cell():
    layers = realistic_layers(precompute_failing={}, coverage=0.5)
    report = build_report(make_doc(layers, {2024: D("2025-01-14")}))
    precompute = next(lc for lc in report.seasons[0].layers if lc.layer == "precompute")
    assert report.layers[2].name == "precompute" and not report.layers[2].success
    assert [r.rule for r in report.layers[2].rules if r.aggregate_failure] == ["precompute.coverage"]
    assert [d for d, c in precompute.cells.items() if c.status == FAILING] == [D("2024-10-25")]


def test_rule_names_are_unique_within_a_layer(validate_doc):
    analytics = build_report(validate_doc).layers[1]
    assert [r.name for r in analytics.rules] == [
        "analytics.completeness",
        "analytics.minutes_null_rate [expect_column_values_to_not_be_null]",
        "analytics.minutes_null_rate [unexpected_rows_expectation]",
        "analytics.duplicate_keys",
    ]
    twins = make_doc({"analytics": layer(expectation("analytics.minutes_null_rate"),
                                         expectation("analytics.minutes_null_rate"))}, {2024: D("2024-11-01")})
    assert [r.name for r in build_report(twins).layers[0].rules] == [
        "analytics.minutes_null_rate [unexpected_rows_expectation] #1",
        "analytics.minutes_null_rate [unexpected_rows_expectation] #2",
    ]


def test_layers_in_data_flow_order_and_report_totals(validate_doc):
    report = build_report(validate_doc)
    assert [layer.name for layer in report.layers] == ["raw", "analytics", "precompute", "predictions", "grading",
                                                       "reference"]
    assert [layer.name for layer in report.failing_layers] == ["analytics", "precompute", "predictions", "grading",
                                                               "reference"]
    # 3 analytics + 4 precompute + 22 predictions + 55 grading + 3 reference, minus 2025-01-14 counted twice
    assert report.failing_date_count == 86


def test_latest_game_date_says_whether_last_night_broke(validate_doc):
    assert build_report(validate_doc).latest == LatestGameDate(D("2025-01-14"), ("precompute", "predictions"))


def test_observed_values_read_as_people_read_them(validate_doc):
    rules = {r.name: r.observed for layer in build_report(validate_doc).layers for r in layer.rules}
    assert rules["precompute.coverage"] == "87.4%"
    assert rules["analytics.minutes_null_rate [expect_column_values_to_not_be_null]"] == "0.64%"
    assert rules["grading.completeness"] == "55"


def test_fill_view_counts_and_problems(validate_doc, fill_doc):
    fill = build_report(validate_doc, fill_doc).fill
    assert fill.planned == 33
    assert fill.totals == {"filled": 30, "silent_failure": 1, "failed": 1, "not_sent": 1,
                           "blocked_upstream": 0}
    assert [(o.date, o.layer, o.detail) for o in fill.problems] == [
        (D("2024-01-05"), "precompute", "silent failure (1 attempt, HTTP 200)"),
        (D("2024-01-06"), "precompute", "failed (5 attempts, HTTP 503)"),
        (D("2025-01-14"), "precompute", "not sent (0 attempts)"),
    ]
    precompute = fill.layers[1]
    assert (precompute.layer, precompute.before_failing, precompute.after_failing) == ("precompute", 32, 4)
    assert (precompute.before_coverage, precompute.after_coverage) == (0.781, 0.874)


def test_no_game_dates_draws_no_season():
    doc = make_doc({"raw": layer(expectation("raw.gamebook_completeness"))}, {})
    report = build_report(doc)
    assert report.seasons == () and report.latest is None

