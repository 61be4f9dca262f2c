"""`nbadq fill`: refill only the failing dates through the platform's services, and prove each one.

The work happens in the `backfill` package (backfill/command.py); this module only reads the command line.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from nbadq.cli.options import add_warehouse_option, add_window_options, window_from


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_warehouse_option(parser)
    add_window_options(parser)
    parser.add_argument("--checkpoint", default="nightly", help="checkpoint to validate with (default: nightly)")
    parser.add_argument("--layer", action="append", default=[], metavar="LAYER",
                        help="refill only this layer (repeatable): analytics, precompute, predictions, grading")
    parser.add_argument("--dry-run", action="store_true", help="print the plan and the requests, send nothing")
    parser.add_argument("--plan", action="store_true", dest="plan_only",
                        help="print the step graph grouped by cause (failing rule, cascade source), send nothing")
    parser.add_argument("--no-cascade", action="store_false", dest="cascade",
                        help="refill only the failing dates, not the later layers and dates built from them")
    parser.add_argument("--workers", type=int, metavar="N",
                        help="requests in flight at once (default and maximum: the filler's concurrency limit)")
    parser.add_argument("--ledger", type=Path, metavar="PATH",
                        help="append-only JSON Lines record of every attempt and outcome, locked while a run "
                             "writes it (default: uncommitted/fills/fill-<time>.jsonl)")
    parser.add_argument("--resume", type=Path, metavar="LEDGER",
                        help="keep appending to this ledger (written against the same warehouse), skipping "
                             "the dates it records as filled once they are proven in SQL again")
    parser.add_argument("--json", type=Path, metavar="PATH", dest="json_path",
                        help="write the plan, outcomes and before/after as JSON")
    parser.add_argument("--token-command", metavar="CMD",
                        help="print an identity token (e.g. 'gcloud auth print-identity-token'); run again when "
                             "the token is 50 minutes old or rejected; used for every filler")
    parser.add_argument("--from-validate", type=Path, metavar="VALIDATE_JSON",
                        help="plan from this `nbadq validate --json` document instead of validating first; "
                             "each date is re-checked before it is sent")
    parser.add_argument("--config", type=Path, metavar="PATH",
                        help="fill configuration (TOML) instead of the settings file's ([tool.nbadq.fill] or [fill])")


def run(args: argparse.Namespace) -> int:
    from nbadq.backfill.command import FillOptions, run_fill

    since, until = window_from(args)
    return run_fill(FillOptions(
        warehouse=args.warehouse, checkpoint=args.checkpoint, layers=tuple(args.layer), since=since,
        until=until, dry_run=args.dry_run, workers=args.workers, ledger=args.ledger, resume=args.resume,
        json_path=args.json_path, token_command=args.token_command, config=args.config,
        from_validate=args.from_validate, cascade=args.cascade, plan_only=args.plan_only,
    ))
