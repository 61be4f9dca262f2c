"""`nbadq audit`: check, before deploy, that every exit of a save override sets its row-count stat.

Thin wiring only. Imports the standard library and `audits` (never Great Expectations, pandas or SQLAlchemy), so the
command starts in a few tens of milliseconds and fits a pre-commit hook.
"""

from __future__ import annotations

import argparse
import importlib

from nbadq.errors import UsageError

FORMATS = ("text", "json", "sarif")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = ("exit status: 0 nothing found, 1 unset exits or unparsable files, 2 usage or configuration "
                     "error. Suppress a method with `# nbadq: ignore[rows-stat] <reason>` on its def line.")
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="files or folders to audit (default: the current directory); .py files only")
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    parser.add_argument("--output", metavar="FILE", help="write the output to FILE instead of standard output")
    parser.add_argument("--config", metavar="FILE",
                        help="TOML file with the rules (default: [tool.nbadq.audit] of the nearest pyproject.toml)")
    parser.add_argument("--junit", metavar="FILE", help="also write JUnit XML: one test case per audited method")
    parser.add_argument("--summary-md", metavar="FILE", dest="summary_md",
                        help="also write a short Markdown summary (for a CI step summary)")
    parser.add_argument("--jobs", type=int, metavar="N",
                        help="worker processes for parsing (default: one per available core)")


def run(args: argparse.Namespace) -> int:
    from audits.config import load_config
    from audits.output import write_file
    from audits.runner import run_audit

    if args.jobs is not None and args.jobs < 1:
        raise UsageError(f"--jobs must be at least 1, got {args.jobs}")
    _check_distinct(args)
    config = load_config(args.config, args.paths)
    report = run_audit(args.paths, config, jobs=args.jobs)
    text = _render(args.format, report)
    if args.output:
        write_file(args.output, text, "--output")
    else:
        print(text, end="")
    if args.junit:
        write_file(args.junit, _render("junit", report), "--junit")
    if args.summary_md:
        write_file(args.summary_md, _render("markdown", report), "--summary-md")
    return report.exit_code


def _render(name: str, report) -> str:
    return importlib.import_module(f"audits.formats.{name}").render(report)


def _check_distinct(args: argparse.Namespace) -> None:
    outputs = [(opt, value) for opt, value in (("--output", args.output), ("--junit", args.junit),
                                               ("--summary-md", args.summary_md)) if value]
    seen: dict[str, str] = {}
    for option, value in outputs:
        if value in seen:
            raise UsageError(f"{seen[value]} and {option} both name {value}; give each report its own file")
        seen[value] = option
