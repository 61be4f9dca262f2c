"""raw.freshness (warn): measured against the run's clock (`as_of`, `--as-of`). In season, the latest schedule
scrape at or before the clock is at most 24 h old, and the latest game date whose games ended (3 h after its last
tip-off) more than 6 h before the clock has player_game_summary rows written by then. Outside every season (a
historical warehouse) it is not applicable.

The clean house: the 2024-25 season spans 2024-10-10 (preseason does not count: 2024-10-22) to 2025-04-22 (the
unplayed playoff game), plus a day. Tip-offs 10:30, schedule scrapes 12:00 and 13:00 (the unplayed game's the
day before), player_game_summary written at 23:00.
"""

import datetime as dt
import os
from pathlib import Path

from nbadq import game_dates
from nbadq.config import load_settings
from nbadq.rules.project import load_project
from nbadq.rules.window import Window
from nbadq.validation import direct, run_checkpoint
from nbadq.warehouse import open_warehouse
from tests.rules.breakers import PGS, delete, entries


def _freshness(house, as_of: str) -> tuple[dict, dict]:
    clock = dt.datetime.fromisoformat(as_of).replace(tzinfo=dt.timezone.utc)
    doc = run_checkpoint(str(house.root), "raw", as_of=clock)
    (entry,) = entries(doc, "raw.freshness")
    assert (entry["severity"], entry["remediation"], doc["as_of"]) == ("warn", None, clock.isoformat())
    assert doc["success"] is True  # a warning never fails the run
    return doc, entry


def fresh_in_season_passes(house):
    _, e = _freshness(house, "2024-11-06T19:00:00")  # scraped 6 h ago; 2024-11-05 written at 23:00
    assert (e["success"], e["failing_dates"], "not_applicable" in e) == (True, [], False)


def schedule_scrape_30_hours_old_warns(house):
    doc, e = _freshness(house, "2024-11-07T19:00:00")  # the latest scrape: 2024-11-06T13:00
    assert (e["success"], e["failing_dates"]) == (False, ["2024-11-07"])
    assert e["reasons"] == {"2024-11-07": "latest schedule scrape 30.0 h ago (limit 24 h)"}
    assert doc["layers"]["raw"]["warning_dates"] == ["2024-11-07"]
    assert doc["layers"]["raw"]["failing_dates"] == []


def scrape_24_hours_old_passes(house):
    _, e = _freshness(house, "2024-11-07T13:00:00")
    assert e["failing_dates"] == []


def game_date_ended_8_hours_ago_without_analytics_warns(house):
    delete(PGS, "game_date = '2024-11-10'")(house)
    _, e = _freshness(house, "2024-11-10T21:30:00")  # last tip-off 10:30, ended 13:30
    assert (e["success"], e["failing_dates"]) == (False, ["2024-11-10"])
    assert e["reasons"]["2024-11-10"] == ("no player_game_summary rows for the games that ended 8.0 h ago "
                                          "(limit 6 h)")


def game_date_ended_5_hours_ago_is_not_due_yet(house):
    delete(PGS, "game_date = '2024-11-10'")(house)
    _, e = _freshness(house, "2024-11-10T18:30:00")  # the date owed is 2024-11-06, which has its rows
    assert e["failing_dates"] == []


def rows_written_after_the_clock_do_not_count(house):
    """A replay: 2024-11-06's rows were written at 23:00, after a clock at 21:30."""
    _, e = _freshness(house, "2024-11-06T21:30:00")
    assert e["failing_dates"] == ["2024-11-06"]


def historical_warehouse_is_not_applicable(house):
    _, e = _freshness(house, "2026-11-30T12:00:00")
    assert (e["success"], e["failing_dates"], e["reasons"]) == (True, [], {})
    assert e["not_applicable"] == ("historical warehouse: the clock (2026-11-30 12:00 UTC) is past its last "
                                   "scheduled game (2025-04-22)")


def last_day_of_the_span_is_in_season(house):
    """The day after the last scheduled game is still in season; the day after that is not."""
    _, e = _freshness(house, "2025-04-23T23:00:00")
    assert ("not_applicable" in e, e["failing_dates"]) == (False, ["2025-04-23"])
    _, e = _freshness(house, "2025-04-24T00:00:00")
    assert e["not_applicable"].startswith("historical warehouse")


def before_the_season_is_not_applicable(house):
    _, e = _freshness(house, "2024-10-01")
    assert e["not_applicable"] == ("the clock (2024-10-01 00:00 UTC) is before the first scheduled game "
                                   "(2024-10-22)")


def without_a_clock_it_finds_nothing(house):
    """A checkpoint run by GX alone renders no clock: the sentinel reads as past the data, so nothing is found."""
    layer = load_project(Path(os.environ["NBADQ_PROJECT_ROOT"])).layers["raw"]
    (rule,) = [e for e in layer.expectations if e.rule == "raw.freshness"]
    wh = open_warehouse(load_settings(str(house.root)))
    game_dates.refresh(wh)
    stale = dt.datetime(2024, 11, 7, 19, tzinfo=dt.timezone.utc)
    assert [r["failing_date"] for r in direct.failing_rows(wh, layer, rule, Window(as_of=stale))] == ["2024-11-07"]
    assert direct.failing_rows(wh, layer, rule, Window()) == []


CHECKS = [fresh_in_season_passes, schedule_scrape_30_hours_old_warns, scrape_24_hours_old_passes,
          game_date_ended_8_hours_ago_without_analytics_warns, game_date_ended_5_hours_ago_is_not_due_yet,
          rows_written_after_the_clock_do_not_count, historical_warehouse_is_not_applicable,
          last_day_of_the_span_is_in_season, before_the_season_is_not_applicable, without_a_clock_it_finds_nothing]
