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
                     "error, or a file or folder it could not read (see --skip-unreadable). Suppress a method with "
                     "`# nbadq: ignore[rows-stat] <reason>` on its def line.")
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="files or folders to audit (default: the current directory); .py files only")
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    parser.add_argument("--output", metavar="FILE", help="write the output to FILE instead of standard output")
    parser.add_argument("--config", metavar="FILE",
                        help="TOML file with the rules (default: the audit table of the nearest nbadq.toml or "
                             "pyproject.toml)")
    parser.add_argument("--junit", metavar="FILE", help="also write JUnit XML: one test case per audited method")
    parser.add_argument("--summary-md", metavar="FILE", dest="summary_md",
                        help="also write a short Markdown summary (for a CI step summary)")
    parser.add_argument("--skip-unreadable", action="store_true",
                        help="audit what can be read and list unreadable files and folders as errors (exit 1); "
                             "without it they stop the run (exit 2)")
    parser.add_argument("--jobs", type=int, metavar="N",
                        help="worker processes for parsing (default: one per available core)")


def run(args: argparse.Namespace) -> int:
    from nbadq.audits.config import load_config
    from nbadq.audits.discovery import check_paths
    from nbadq.audits.runner import run_audit
    from nbadq.files import check_outputs, write_text_atomic

    if args.jobs is not None and args.jobs < 1:
        raise UsageError(f"--jobs must be at least 1, got {args.jobs}")
    check_outputs((args.output, "--output"), (args.junit, "--junit"), (args.summary_md, "--summary-md"))
    check_paths(args.paths)
    config = load_config(args.config, args.paths)
    report = run_audit(args.paths, config, jobs=args.jobs)
    if report.unreadable and not args.skip_unreadable:
        raise UsageError(_unreadable_message(report.unreadable))
    text = _render(args.format, report)
    if args.output:
        write_text_atomic(args.output, text)
    else:
        print(text, end="")
    if args.junit:
        write_text_atomic(args.junit, _render("junit", report))
    if args.summary_md:
        write_text_atomic(args.summary_md, _render("markdown", report))
    return report.exit_code


def _unreadable_message(unreadable: list) -> str:
    first = unreadable[0]
    more = f" and {len(unreadable) - 1} more" if len(unreadable) > 1 else ""
    return (f"cannot read {first.path} ({first.message}){more}, so the audit is incomplete: fix the permissions, "
            "or pass --skip-unreadable to audit the rest and list them as errors")


def _render(name: str, report) -> str:
    return importlib.import_module(f"nbadq.audits.formats.{name}").render(report)
