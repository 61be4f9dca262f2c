"""Realistic validate and fill documents, shaped exactly as `nbadq validate --json` and `nbadq fill --json` write.

Seasons follow the contract's calendar: the opener is day 0, days 0-13 are the bootstrap period, the All-Star
break (Feb 14-19 here) and a few holidays have no games, play-in and playoffs run from mid-April to mid-June.
The defects mirror the platform's incidents (missing Phase 4 dates, playoff predictions, grading, duplicate
analytics keys, false zero-record runs).
"""

from __future__ import annotations

import datetime as dt

from nbadq.calendar import BOOTSTRAP_DAYS, OPENERS

D = dt.date.fromisoformat
TABLES_MISSING = "missing player_composite_factors, player_daily_cache"


def days(first: str, last: str) -> list[dt.date]:
    start, end = D(first), D(last)
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


def _thanksgiving(year: int) -> dt.date:
    first = dt.date(year, 11, 1)
    return first + dt.timedelta(days=(3 - first.weekday()) % 7 + 21)


def season_game_dates(year: int, last: dt.date | None = None) -> list[dict]:
    """The game dates of a season as `calendar.game_dates` lists them, optionally cut at `last`."""
    opener = OPENERS[year]
    no_games = {_thanksgiving(year), dt.date(year, 12, 24), *days(f"{year + 1}-02-14", f"{year + 1}-02-19")}
    regular = [d for d in days(opener.isoformat(), f"{year + 1}-04-13") if d not in no_games]
    play_in = days(f"{year + 1}-04-15", f"{year + 1}-04-18")
    # Later playoff rounds have rest days: every third day from May 20 on has no game.
    playoffs = [d for d in days(f"{year + 1}-04-20", f"{year + 1}-06-16")
                if d < dt.date(year + 1, 5, 20) or (d - dt.date(year + 1, 5, 20)).days % 3 != 2]
    rows = []
    for d in regular + play_in + playoffs:
        if last and d > last:
            break
        season_day = (d - opener).days
        if d == opener or d in play_in:
            games = 2
        elif d in playoffs:
            games = 4 if d < dt.date(year + 1, 5, 4) else 2 if d < dt.date(year + 1, 6, 1) else 1
        else:
            games = 3 + (d.toordinal() * 7) % 11
        rows.append({"date": d.isoformat(), "season_year": year, "season_day": season_day,
                     "expected_games": games, "processable": season_day >= BOOTSTRAP_DAYS})
    return rows


def expectation(rule: str, failing: dict[dt.date, str] | None = None, *, success: bool | None = None,
                observed=None, unit: str | None = None, threshold: str | None = None, remediation: str | None = None,
                expectation_type: str = "unexpected_rows_expectation", description: str | None = None,
                severity: str = "error") -> dict:
    failing = failing or {}
    dates = sorted(failing)
    return {
        "rule": rule,
        "expectation_type": expectation_type,
        "severity": severity,
        "success": (not dates) if success is None else success,
        "observed_value": len(dates) if observed is None and success is None else observed,
        "observed_unit": unit or ("count" if observed is None and success is None else None),
        "failing_dates": [d.isoformat() for d in dates],
        "remediation": remediation,
        "description": description or f"Checks {rule.split('.', 1)[1].replace('_', ' ')} per game date.",
        "threshold": threshold,
        "reasons": {d.isoformat(): failing[d] for d in dates if failing[d]},
    }


def layer(*expectations: dict) -> dict:
    """As nbadq/validation/document.py builds it: only error-severity rules fail the layer and give failing dates."""
    errors = [e for e in expectations if e["severity"] == "error"]
    warnings = [e for e in expectations if e["severity"] != "error" and not e["success"]]
    return {"success": all(e["success"] for e in errors),
            "failing_dates": sorted({d for e in errors for d in e["failing_dates"]}),
            "warning_dates": sorted({d for e in warnings for d in e["failing_dates"]}),
            "expectations": list(expectations)}


def validate_doc(layers: dict[str, dict], seasons: dict[int, dt.date | None], *, since: str | None = None,
                 until: str | None = None, checkpoint: str = "nightly",
                 warehouse: str = "local:/srv/nbadq/warehouse") -> dict:
    """A validate document over `seasons` ({year: last game date drawn, or None for the whole season})."""
    game_dates = [g for year, last in sorted(seasons.items()) for g in season_game_dates(year, last)]
    return {
        "success": all(body["success"] for body in layers.values()),
        "checkpoint": checkpoint,
        "warehouse": warehouse,
        "window": {"since": since, "until": until},
        "generated_at": "2025-01-15T07:02:41+00:00",
        "layers": layers,
        "calendar": {
            "seasons": {str(y): {"opener": OPENERS[y].isoformat(), "opener_source": "schedule"} for y in seasons},
            "game_dates": game_dates,
        },
    }


def game_days_between(doc: dict, first: str, last: str) -> list[dt.date]:
    return [D(g["date"]) for g in doc["calendar"]["game_dates"] if first <= g["date"] <= last]


def realistic_layers(precompute_failing: dict[dt.date, str] | None = None, coverage: float = 0.874) -> dict[str, dict]:
    """Two seasons of defects, as the nightly checkpoint would find them the morning after a partial refill."""
    playoffs_2024 = {d: f"0 of {g['expected_games']} games predicted"
                     for g in season_game_dates(2023) if "2024-04-20" <= g["date"] <= "2024-05-10"
                     for d in [D(g["date"])]}
    grading_2024 = {d: "0 of about 1,900 predictions graded"
                    for d in [D(g["date"]) for g in season_game_dates(2024, D("2024-12-31"))]
                    if d >= D("2024-11-05")}
    precompute = precompute_failing if precompute_failing is not None else {
        D("2024-01-05"): TABLES_MISSING, D("2024-01-06"): TABLES_MISSING, D("2025-01-14"): "no Phase 4 table has rows"}
    return {
        "raw": layer(expectation("raw.gamebook_completeness", threshold=">= 34 rows per game",
                                 description="Every final game has its gamebook rows.")),
        "analytics": layer(
            expectation("analytics.completeness", remediation="analytics",
                        description="Every game date has player_game_summary rows for every game."),
            expectation("analytics.minutes_null_rate", success=True, observed=0.0064, unit="ratio", threshold="<= 1%",
                        expectation_type="expect_column_values_to_not_be_null",
                        description="minutes_played NULL rate among played rows, whole window."),
            expectation("analytics.minutes_null_rate", {D("2023-12-08"): "41.2% of played rows NULL"},
                        threshold="<= 5% per date", remediation="analytics",
                        description="minutes_played NULL rate among played rows, per date."),
            expectation("analytics.duplicate_keys", {D("2023-11-29"): "19 duplicate (game_id, player_lookup)",
                                                     D("2024-01-09"): "74 duplicate (game_id, player_lookup)"},
                        remediation="analytics", description="No (game_id, player_lookup) appears twice."),
        ),
        "precompute": layer(
            expectation("precompute.completeness", precompute, remediation="precompute",
                        description="Every processable game date has rows in all five Phase 4 tables."),
            expectation("precompute.coverage", success=coverage >= 0.8, observed=coverage, unit="ratio",
                        threshold=">= 80%",
                        expectation_type="expect_column_values_to_not_be_null",
                        description="Share of processable game dates with Phase 4 rows."),
            expectation("precompute.early_season",
                        {D("2024-10-25"): "no placeholder rows in team_defense_zone_analysis"},
                        remediation="precompute",
                        description="Bootstrap dates have early_season_flag placeholder rows where expected."),
            expectation("precompute.duplicate_keys", description="No Phase 4 key appears twice."),
        ),
        "predictions": layer(
            expectation("predictions.completeness", {**playoffs_2024, D("2025-01-14"): "0 of 9 games predicted"},
                        description="Every processable game date has active predictions for its games."),
            expectation("predictions.duplicate_keys", description="No active business key appears twice."),
        ),
        "grading": layer(
            expectation("grading.completeness", grading_2024,
                        description="Every graded game date has prediction_accuracy rows."),
            expectation("grading.duplicate_keys", description="No graded key appears twice."),
        ),
        "reference": layer(
            expectation("reference.false_zero_runs", {D("2023-11-15"): "2 successful runs recorded 0 rows",
                                                      D("2023-11-16"): "1 successful run recorded 0 rows",
                                                      D("2024-03-02"): "3 successful runs recorded 0 rows"},
                        description="No successful run that wrote rows records 0 rows."),
        ),
    }


def realistic_validate_doc() -> dict:
    """2023-24 in full and 2024-25 up to the night before (2025-01-14)."""
    return validate_doc(realistic_layers(), {2023: None, 2024: D("2025-01-14")}, since="2023-10-24",
                        until="2025-01-14")


def realistic_fill_doc(validate: dict) -> dict:
    """The fill that ran before that validation: January 2024 Phase 4 and two analytics dates."""
    january = game_days_between(validate, "2024-01-02", "2024-01-31")
    outcomes = {d.isoformat(): {"status": "filled", "attempts": 1, "last_http_status": 200} for d in january}
    outcomes["2024-01-05"] = {"status": "silent_failure", "attempts": 1, "last_http_status": 200}
    outcomes["2024-01-06"] = {"status": "failed", "attempts": 5, "last_http_status": 503}
    outcomes["2024-01-10"]["attempts"] = 2
    outcomes["2025-01-14"] = {"status": "not_sent", "attempts": 0, "last_http_status": None}
    analytics = {d: {"status": "filled", "attempts": 1, "last_http_status": 200} for d in ("2024-11-12", "2024-11-13")}
    still = validate["layers"]["precompute"]["failing_dates"]
    return {
        "planned": {"analytics": sorted(analytics), "precompute": sorted(outcomes)},
        "outcomes": {"analytics": analytics, "precompute": outcomes},
        "before": {"analytics": {"failing_dates": ["2023-11-29", "2023-12-08", "2024-01-09", *sorted(analytics)],
                                 "coverage": None},
                   "precompute": {"failing_dates": sorted(set(still) | set(outcomes)), "coverage": 0.781}},
        "after": {"analytics": {"failing_dates": ["2023-11-29", "2023-12-08", "2024-01-09"], "coverage": None},
                  "precompute": {"failing_dates": still, "coverage": 0.874}},
        "skipped": {}, "no_filler": {}, "checkpoint": "nightly", "stopped": None,
        "ledger": "uncommitted/fill/ledger.jsonl", "timing": {"validate_before_s": 41.2, "fill_s": 812.5},
        "exit_code": 1, "generated_at": "2025-01-15T06:51:09+00:00",
    }


def five_season_doc() -> dict:
    """2021-22 to 2025-26 (up to 2025-11-24), with the incidents at full scale: for benchmarks and the demo."""
    seasons = {2021: None, 2022: None, 2023: None, 2024: None, 2025: D("2025-11-24")}
    games = {y: season_game_dates(y, last) for y, last in seasons.items()}
    processable = [D(g["date"]) for y in (2021, 2022) for g in games[y] if g["processable"]]
    precompute = {d: TABLES_MISSING for d in processable if d.toordinal() % 5 != 0}
    playoffs = {D(g["date"]): f"0 of {g['expected_games']} games predicted"
                for y in (2021, 2022, 2023) for g in games[y] if "04-15" <= g["date"][5:] <= "06-30"}
    grading = {D(g["date"]): "1 of about 1,900 predictions graded" for g in games[2024]}
    layers = realistic_layers(precompute, coverage=0.412)
    layers["predictions"] = layer(
        expectation("predictions.completeness", playoffs, description="Every processable game date has predictions."),
        expectation("predictions.duplicate_keys", description="No active business key appears twice."))
    layers["grading"] = layer(
        expectation("grading.completeness", grading, description="Every graded game date has accuracy rows."),
        expectation("grading.duplicate_keys", description="No graded key appears twice."))
    return validate_doc(layers, seasons, until="2025-11-24")
