"""`nbadq sample`: build a realistic local warehouse with known defects and say what was injected."""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path
from typing import Any

from nbadq.config import DEFAULT_WAREHOUSE, ENV_WAREHOUSE
from nbadq.errors import UsageError
from nbadq.exitcodes import ExitCode

FIRST_DATES = 3


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", metavar="PATH",
                        help=f"warehouse directory to create or replace (default: ${ENV_WAREHOUSE}, "
                             f"then {DEFAULT_WAREHOUSE})")
    parser.add_argument("--seasons", default="2021-2025", metavar="YEAR[-YEAR]",
                        help="season years (2024 = 2024-25), a year or a range (default: 2021-2025)")
    parser.add_argument("--seed", type=int, default=7, help="random seed; the same seed builds the same "
                                                            "warehouse (default: 7)")


def _out(args: argparse.Namespace) -> Path:
    text = args.out or os.environ.get(ENV_WAREHOUSE) or DEFAULT_WAREHOUSE
    if "://" in text:
        raise UsageError(f"--out {text!r}: the sample is a local warehouse, give a directory")
    return Path(text)


def _first(dates: list[str]) -> str:
    more = f", +{len(dates) - FIRST_DATES} more" if len(dates) > FIRST_DATES else ""
    return ", ".join(dates[:FIRST_DATES]) + more


def summary_lines(doc: dict[str, Any], out: Path, seconds: float) -> list[str]:
    seasons = doc["seasons"]
    span = f"{seasons[0]}-{seasons[-1]}" if len(seasons) > 1 else str(seasons[0])
    lines = [f"built sample warehouse {out} (seasons {span}, seed {doc['seed']}, {doc['game_dates']} game dates) "
             f"in {seconds:.1f} s", f"  {'injected defect':<30} {'dates':>5}  first dates"]
    lines += [f"  {d['kind']:<30} {len(d['dates']):>5}  {_first(d['dates'])}" for d in doc["defects"]]
    cov = doc["coverage"]
    verdict = "below" if doc["coverage_fails"] else "above"
    lines.append(f"expected precompute coverage {cov['value']:.1%} ({cov['covered_games']} of "
                 f"{cov['expected_games']} games, {verdict} the 80% threshold)")
    failing = sum(1 for dates in doc["expected_failing_dates"].values() if dates)
    lines.append(f"expected failures: {failing} of {len(doc['expected_failing_dates'])} date rules; "
                 f"see {out / 'nbadq_sample.json'}")
    return lines


def run(args: argparse.Namespace) -> int:
    from nbadq.sample.build import build_sample
    from nbadq.sample.seasons import parse_seasons

    seasons = parse_seasons(args.seasons)
    out = _out(args)
    started = time.perf_counter()
    doc = build_sample(out, seasons, args.seed)
    print("\n".join(summary_lines(doc, out, time.perf_counter() - started)))
    return ExitCode.OK
