"""`nbadq` entry point: an explicit registry of sub-commands, each in its own module, imported lazily.

A sub-command module defines `add_arguments(parser)` and `run(args) -> int`; its one-line help is in COMMANDS.
Modules are imported only when their command runs, so `nbadq audit` and `nbadq --help` never pay for Great
Expectations.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback

from nbadq import __version__
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
    "init": ("nbadq.cli.init", "write an nbadq project (suites, checkpoints, [tool.nbadq]) into a directory"),
    "doctor": ("nbadq.cli.doctor", "show which project, warehouse and services a run would use, and what is missing"),
}


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors are one line and exit 2 like every other bad input."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")
        raise SystemExit(ExitCode.USAGE)


ENV_DEBUG = "NBADQ_DEBUG"
DEBUG_FLAG = "--debug"
PROJECT_FLAG = "--project"


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    parser = _Parser(prog="nbadq", description="Data quality for the NBA player-props platform.")
    parser.add_argument(DEBUG_FLAG, action="store_true",
                        help=f"show the full traceback of an unexpected error (also {ENV_DEBUG}=1); "
                             "accepted anywhere on the command line")
    parser.add_argument(PROJECT_FLAG, metavar="DIR",
                        help="the nbadq project (default: NBADQ_PROJECT_ROOT, else the nearest one at or above the "
                             "working directory, else the packaged default); accepted anywhere on the command line")
    parser.add_argument("--version", action="version", version=f"nbadq {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    subparsers = {name: sub.add_parser(name, help=help_, description=help_) for name, (_, help_) in COMMANDS.items()}
    return parser, subparsers


def _debugging(argv: list[str]) -> bool:
    return DEBUG_FLAG in argv or os.environ.get(ENV_DEBUG, "").strip().lower() in ("1", "true", "yes")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    debug = _debugging(argv)
    argv = [a for a in argv if a != DEBUG_FLAG]
    parser, subparsers = build_parser()
    argv, project = _take_project(argv)
    name = next((a for a in argv if not a.startswith("-")), None)
    try:
        from nbadq.project_files import use_project

        use_project(project)  # None too: an earlier in-process main(["--project", ...]) must not carry over
        if name in COMMANDS:
            module = importlib.import_module(COMMANDS[name][0])
            module.add_arguments(subparsers[name])
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return ExitCode.USAGE
        return int(module.run(args))
    except UsageError as exc:
        return _fail(name, f"error: {exc}", debug)
    except KeyboardInterrupt:
        sys.stderr.write(f"nbadq {name or ''}".rstrip() + ": interrupted\n")
        return ExitCode.INTERRUPTED
    except RecursionError:
        return _fail(name, "error: input nested too deeply to read", debug)
    except Exception as exc:  # anything not anticipated: one line and exit 2, never exit 1 (which means "found")
        return _fail(name, f"unexpected error: {_one_line(exc)} (rerun with --debug for the traceback)", debug)


def _take_project(argv: list[str]) -> tuple[list[str], str | None]:
    """Remove `--project DIR` / `--project=DIR` wherever it stands, as --debug is: the last one wins."""
    rest: list[str] = []
    project: str | None = None
    words = iter(argv)
    for word in words:
        if word == PROJECT_FLAG:
            project = next(words, "")
        elif word.startswith(PROJECT_FLAG + "="):
            project = word.split("=", 1)[1]
        else:
            rest.append(word)
    return rest, project


def _one_line(exc: BaseException) -> str:
    from nbadq.redact import redact

    first = next((line.strip() for line in str(exc).splitlines() if line.strip()), "")
    return redact(f"{type(exc).__name__}: {first}" if first else type(exc).__name__)[:300]


def _fail(name: str | None, message: str, debug: bool) -> int:
    from nbadq.redact import redact

    if debug:
        traceback.print_exc(file=sys.stderr)
    prefix = f"nbadq {name}" if name else "nbadq"
    sys.stderr.write(redact(f"{prefix}: {message}".replace("\n", " ")) + "\n")
    return ExitCode.USAGE


if __name__ == "__main__":
    raise SystemExit(main())
