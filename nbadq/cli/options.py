"""Options shared by the commands that read a warehouse (validate, fill, calendar)."""

from __future__ import annotations

import argparse
import datetime as dt

from nbadq.calendar import parse_date
from nbadq.clock import parse_as_of
from nbadq.errors import UsageError


def add_warehouse_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--warehouse", metavar="PATH|bigquery://PROJECT",
                        help="local warehouse directory or bigquery://PROJECT "
                             "(default: $NBADQ_WAREHOUSE, then ./warehouse)")


def add_window_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since", metavar="DATE", help="first date to check (YYYY-MM-DD)")
    parser.add_argument("--until", metavar="DATE", help="last date to check (YYYY-MM-DD)")


def window_from(args: argparse.Namespace) -> tuple[dt.date | None, dt.date | None]:
    # `is not None`: an empty value (`--since "$UNSET_VAR"`) is a mistake to report, not "the whole history".
    since = parse_date(args.since, "--since") if args.since is not None else None
    until = parse_date(args.until, "--until") if args.until is not None else None
    if since and until and since > until:
        raise UsageError(f"--since {since} is after --until {until}")
    return since, until


def add_clock_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--as-of", metavar="TIMESTAMP",
                        help="the run's clock for raw.freshness: YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS], UTC unless it "
                             "names its offset (default: now); for tests and replays")


def as_of_from(args: argparse.Namespace) -> dt.datetime | None:
    """The clock, or None for now. An empty value is a mistake to report (like --since), not "now"."""
    return parse_as_of(args.as_of) if args.as_of is not None else None
