"""precompute.column_health: per date, player_composite_factors' fatigue_score and ml_feature_store_v2's
feature_quality_score NULL on at most 5% (warn) and 50% (error) of the table's rows, within 0-100, and not one
distinct value on 50+ rows.

The mini warehouse's dates hold 16 composite and feature-store rows a game (2024-11-05 and 2024-11-10: 32 each;
bootstrap dates feature-store rows only); every fatigue_score is 50 (too few rows to call a constant a defect),
feature_quality_score 10 values a date.
The warn expectation never fails the run, so its cases are CHECKS."""

from nbadq.validation import run_checkpoint
from tests.rules.breakers import PCF, Case, all_of, entries, null, sql

RULE = "precompute.column_health"
FS = "nba_predictions.ml_feature_store_v2"


def _extra_features(day: str, n: int):
    """`n` more feature-store rows on `day`: copies of its rows under new player names."""
    def apply(h) -> None:
        cols = [r[1] for r in h.conn.execute("PRAGMA nba_predictions.table_info(ml_feature_store_v2)")]
        left, i = n, 0
        while left > 0:
            i += 1
            select = ", ".join(f"player_lookup || '#{i}'" if c == "player_lookup" else c for c in cols)
            h.sql(f"INSERT INTO {FS} ({', '.join(cols)}) SELECT {select} FROM {FS} WHERE game_date = '{day}' "
                  f"AND instr(player_lookup, '#') = 0 ORDER BY player_lookup LIMIT {left}")
            left -= h.conn.execute(f"SELECT COUNT(*) FROM {FS} WHERE game_date = '{day}' "
                                   f"AND player_lookup LIKE '%#{i}'").fetchone()[0]
    return apply


def _set(table: str, column: str, value: str, where: str):
    return sql(f"UPDATE {table} SET {column} = {value} WHERE {where}")


BREAKS = [
    Case("fatigue-null-on-a-date", null(PCF, "fatigue_score", "game_date = '2024-11-06'"), ["2024-11-06"],
         "1 problem(s); first: fatigue_score NULL on 100% of 16 player_composite_factors rows"),
    Case("feature-quality-null-on-two-dates",
         null(FS, "feature_quality_score", "game_date IN ('2024-11-10', '2025-04-20')"), ["2024-11-10", "2025-04-20"],
         "1 problem(s); first: feature_quality_score NULL on 100% of 32 ml_feature_store_v2 rows"),
    # 17 of 32 (53%): over half.
    Case("fatigue-null-over-half", null(PCF, "fatigue_score", "game_date = '2024-11-05'", rows=17), ["2024-11-05"],
         "fatigue_score NULL on 53% of 32 player_composite_factors rows"),
    Case("fatigue-above-100",
         _set(PCF, "fatigue_score", "101", "game_date = '2025-04-15' AND player_lookup = 'atlplayer1'"),
         ["2025-04-15"], "1 problem(s); first: fatigue_score outside 0-100 on 1 of 16 player_composite_factors rows"),
    Case("negative-feature-quality",
         _set(FS, "feature_quality_score", "-5.0", "game_date = '2024-11-06' AND player_lookup = 'miaplayer1'"),
         ["2024-11-06"], "feature_quality_score outside 0-100 on 1 of 16 ml_feature_store_v2 rows"),
    # A bootstrap date's feature store is judged as well.
    Case("feature-quality-above-100-on-a-bootstrap-date",
         _set(FS, "feature_quality_score", "100.5", "game_date = '2024-10-30' AND player_lookup = 'denplayer1'"),
         ["2024-10-30"], "feature_quality_score outside 0-100 on 1 of 16 ml_feature_store_v2 rows"),
    # A feature stuck at one value on 50 rows.
    Case("one-distinct-value-on-50-rows", all_of(
        _extra_features("2024-11-05", 18), _set(FS, "feature_quality_score", "90.0", "game_date = '2024-11-05'")),
        ["2024-11-05"],
        "1 problem(s); first: feature_quality_score has one distinct value on 50 ml_feature_store_v2 rows"),
]

NEAR_MISSES = [
    Case("values-at-the-bounds", all_of(
        _set(PCF, "fatigue_score", "0", "game_date = '2024-11-10' AND player_lookup = 'phxplayer1'"),
        _set(PCF, "fatigue_score", "100", "game_date = '2024-11-10' AND player_lookup = 'phxplayer2'"),
        _set(FS, "feature_quality_score", "0.0", "game_date = '2024-11-10' AND player_lookup = 'dalplayer1'"),
        _set(FS, "feature_quality_score", "100.0", "game_date = '2024-11-10' AND player_lookup = 'dalplayer2'"))),
    # 1 NULL of 20 feature-store rows: exactly 5%.
    Case("feature-quality-null-on-5-percent", all_of(
        _extra_features("2024-11-06", 4),
        null(FS, "feature_quality_score", "game_date = '2024-11-06' AND player_lookup = 'miaplayer1'"))),
    # One feature_quality_score on 49 rows: too few to call it stuck.
    Case("one-distinct-value-on-49-rows", all_of(
        _extra_features("2024-11-05", 17), _set(FS, "feature_quality_score", "90.0", "game_date = '2024-11-05'"))),
]


def _column_health(house, breaker):
    breaker(house)
    doc = run_checkpoint(str(house.root), "precompute")
    warn, error = entries(doc, RULE)
    assert (warn["severity"], warn["success"], error["severity"], error["success"]) == ("warn", False, "error", True)
    others = [e["rule"] for e in doc["layers"]["precompute"]["expectations"]
              if e["rule"] != RULE and e["failing_dates"]]
    assert others == [], others
    layer = doc["layers"]["precompute"]
    assert (doc["success"], layer["failing_dates"]) == (True, [])
    return warn


def warns_over_5_percent_null(house):
    """1 NULL feature_quality_score of 16 rows (6%) warns; the run passes."""
    warn = _column_health(house, null(FS, "feature_quality_score",
                                      "game_date = '2024-11-06' AND player_lookup = 'miaplayer1'"))
    assert warn["reasons"] == {"2024-11-06": "1 column(s) over 5% NULL; first: feature_quality_score NULL on 6% of 16 "
                                             "ml_feature_store_v2 rows"}


def warns_on_half_null(house):
    """8 of 16 fatigue_score NULL (50%) warn, not fail; so do 2 of 32 feature_quality_score on another date."""
    warn = _column_health(house, all_of(
        null(PCF, "fatigue_score", "game_date = '2024-11-06'", rows=8),
        null(FS, "feature_quality_score", "game_date = '2024-11-10'", rows=2)))
    assert warn["reasons"] == {
        "2024-11-06": "1 column(s) over 5% NULL; first: fatigue_score NULL on 50% of 16 player_composite_factors rows",
        "2024-11-10": "1 column(s) over 5% NULL; first: feature_quality_score NULL on 6% of 32 ml_feature_store_v2 "
                      "rows"}


CHECKS = [warns_over_5_percent_null, warns_on_half_null]
