"""`nbadq` entry point: an explicit registry of sub-commands, each in its own module, imported lazily.

A sub-command module defines `HELP` (one line), `add_arguments(parser)` and `run(args) -> int`. Modules are
imported only when their command runs, so `nbadq audit` and `nbadq --help` never pay for Great Expectations.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from nbadq.errors import UsageError
from nbadq.exitcodes import ExitCode

# command name -> (module, one-line help). Help lives here so `--help` imports nothing heavy.
COMMANDS: dict[str, tuple[str, str]] = {
    "validate": ("nbadq.cli.validate", "run a checkpoint and report exactly which dates fail"),
    "calendar": ("nbadq.cli.calendar", "rebuild nbadq's game-date calendar table (nba_dq.game_dates)"),
    "sample": ("nbadq.cli.sample", "build a realistic local warehouse with known defects"),
    "fill": ("nbadq.cli.fill", "refill only the failing dates through the platform's services"),
    "serve-local": ("nbadq.cli.serve_local", "serve the Phase 3/4 contracts on 127.0.0.1 (demos and tests)"),
    "audit": ("nbadq.cli.audit", "check that every exit of a save override sets its row count"),
    "report": ("nbadq.cli.report", "write the offline HTML report"),
}


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors are one line and exit 2 like every other bad input."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")
        raise SystemExit(ExitCode.USAGE)


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    parser = _Parser(prog="nbadq", description="Data quality for the NBA player-props platform.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    subparsers = {name: sub.add_parser(name, help=help_, description=help_) for name, (_, help_) in COMMANDS.items()}
    return parser, subparsers


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser, subparsers = build_parser()
    name = next((a for a in argv if not a.startswith("-")), None)
    if name in COMMANDS:
        module = importlib.import_module(COMMANDS[name][0])
        module.add_arguments(subparsers[name])
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return ExitCode.USAGE
    try:
        return int(module.run(args))
    except UsageError as exc:
        sys.stderr.write(f"nbadq {args.command}: error: {exc}\n")
        return ExitCode.USAGE
    except KeyboardInterrupt:
        sys.stderr.write(f"nbadq {args.command}: interrupted\n")
        return ExitCode.INTERRUPTED


if __name__ == "__main__":
    raise SystemExit(main())
