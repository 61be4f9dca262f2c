"""`nbadq calendar`: rebuild nba_dq.game_dates from the schedule (automatic before local runs; explicit on
BigQuery, where it is a load job into nbadq's own dataset)."""

from __future__ import annotations

import argparse
from collections import defaultdict

from nbadq.cli.options import add_warehouse_option
from nbadq.exitcodes import ExitCode


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_warehouse_option(parser)


def run(args: argparse.Namespace) -> int:
    from nbadq import game_dates
    from nbadq.config import load_settings
    from nbadq.warehouse import open_warehouse

    warehouse = open_warehouse(load_settings(args.warehouse))
    rows = game_dates.refresh(warehouse)
    seasons: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        seasons[row["season_year"]].append(row)
    print(f"nba_dq.game_dates on {warehouse.label}: {len(rows)} game dates")
    print(f"  {'season':<8} {'opener':<11} {'source':<9} {'dates':>5} {'bootstrap':>9} {'processable':>11}")
    for season, days in sorted(seasons.items()):
        first = days[0]
        print(f"  {season:<8} {first['opener'] or '-':<11} {first['opener_source'] or '-':<9} {len(days):>5} "
              f"{sum(d['is_bootstrap'] for d in days):>9} {sum(d['is_processable'] for d in days):>11}")
    return ExitCode.OK
