"""precompute.coverage: distinct games in player_composite_factors over E(d), summed over processable dates, is at
least 80%. An aggregate over the window (no failing dates), so its break is a check of the exact ratio."""

from nbadq.validation import run_checkpoint
from tests.rules.breakers import PCF, Case, delete, entries

BREAKS: list[Case] = []

NEAR_MISSES: list[Case] = []


def one_game_lost_stays_above_80_percent(house):
    """One of 7 games lost (its date keeps the other game's rows): 6/7 = 85.7% stays above 80%. The date's
    players are then short in Phase 4 (16 of 32): precompute.player_reconciliation reports it, not coverage."""
    delete(PCF, "game_date = '2024-11-05' AND game_id LIKE '%_GSW_LAC'")(house)
    doc = run_checkpoint(str(house.root), "precompute")
    coverage = entries(doc, "precompute.coverage")[0]
    assert (coverage["success"], coverage["observed_value"], coverage["failing_dates"]) == (True, round(6 / 7, 6), [])
    failing = {e["rule"]: e["failing_dates"] for e in doc["layers"]["precompute"]["expectations"] if e["failing_dates"]}
    assert failing == {"precompute.player_reconciliation": ["2024-11-05"]}


def coverage_is_aggregate_with_exact_ratio(house):
    for day in ("2024-11-05", "2024-11-10"):
        delete(PCF, f"game_date = '{day}'")(house)
    doc = run_checkpoint(str(house.root), "precompute")
    coverage = entries(doc, "precompute.coverage")[0]
    # 7 games on processable dates; 4 of them (11-05 x2, 11-10 x2) lost their composite factors.
    assert (coverage["success"], coverage["observed_value"], coverage["failing_dates"]) == (False, round(3 / 7, 6), [])
    assert entries(doc, "precompute.completeness")[0]["failing_dates"] == ["2024-11-05", "2024-11-10"]


CHECKS = [coverage_is_aggregate_with_exact_ratio, one_game_lost_stays_above_80_percent]
