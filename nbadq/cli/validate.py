"""`nbadq validate`: run a checkpoint, print a per-layer summary, write the JSON (and CI formats) on request."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from nbadq.cli.options import add_clock_option, add_warehouse_option, add_window_options, as_of_from, window_from
from nbadq.exitcodes import ExitCode
from nbadq.files import STDOUT, check_output, check_outputs, write_json_atomic
from nbadq.report.formatting import observed_text
from nbadq.rules.spec import ERROR

FIRST_DATES = 3


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_warehouse_option(parser)
    parser.add_argument("--checkpoint", default="nightly", help="checkpoint to run (default: nightly)")
    add_window_options(parser)
    add_clock_option(parser)
    parser.add_argument("--json", type=Path, metavar="PATH",
                        help="write the full result as JSON (`-`: to standard output, the summary then to stderr)")
    parser.add_argument("--report", type=Path, metavar="FILE", help="write the offline HTML report")
    parser.add_argument("--junit", type=Path, metavar="FILE", help="write JUnit XML (one case per rule per layer)")
    parser.add_argument("--summary-md", type=Path, metavar="FILE", help="write a Markdown summary for CI")


def _first(dates: list[str]) -> str:
    more = f", +{len(dates) - FIRST_DATES} more" if len(dates) > FIRST_DATES else ""
    return ", ".join(dates[:FIRST_DATES]) + more


def _findings(findings: list[str]) -> list[str]:
    """The first rows a rule lists (raw.impossible_dates), the rest counted: the JSON has them all."""
    more = [f"          +{len(findings) - FIRST_DATES} more (see --json)"] if len(findings) > FIRST_DATES else []
    return [f"          {text}" for text in findings[:FIRST_DATES]] + more


def _warned(expectations: list[dict[str, Any]]) -> int:
    """Warn-severity expectations that failed: reported, never failing the run."""
    return sum(not e["success"] and e["severity"] != ERROR for e in expectations)


def _warnings(count: int) -> str:
    return f" ({count} warning{'s' if count != 1 else ''})" if count else ""


RULE_WIDTH = 34  # the longest rule id (predictions.player_reconciliation, 33) and a gap


def _rule_line(e: dict[str, Any]) -> str:
    detail = _first(e["failing_dates"]) if e["failing_dates"] else \
        f"observed {observed_text(e['observed_value'], e.get('observed_unit'))}"
    # A warning is marked in the indent, so its counts and dates line up with the failing rules' columns.
    head = f"  WARN {e['rule']:<{RULE_WIDTH - 1}}" if e["severity"] != ERROR else f"      {e['rule']:<{RULE_WIDTH}}"
    return f"{head} {len(e['failing_dates']):>4}  {detail}"


def summary_lines(doc: dict[str, Any]) -> list[str]:
    window = doc["window"]
    span = f"{window['since'] or 'start'} .. {window['until'] or 'end'}"
    lines = [f"checkpoint {doc['checkpoint']} on {doc['warehouse']} ({span})"]
    lines += [f"  note: {note}" for note in doc.get("notes", [])]
    for name, layer in doc["layers"].items():
        status = ("PASS" if layer["success"] else "FAIL") + _warnings(_warned(layer["expectations"]))
        lines.append(f"  {name:<12} {status}  {len(layer['failing_dates'])} failing date(s)")
        # Failing rules first, then warnings: what fails the run is read first.
        for e in sorted(layer["expectations"], key=lambda e: e["severity"] != ERROR):
            if not e["success"]:
                lines.append(_rule_line(e))
                lines += _findings(e.get("findings", []))
        # A rule that does not apply (raw.freshness on a historical warehouse) is neither passed nor failed: say so.
        lines += [f"  N/A  {e['rule']:<{RULE_WIDTH - 1}} {e['not_applicable']}"
                  for e in layer["expectations"] if e.get("not_applicable")]
    warned = _warned([e for layer in doc["layers"].values() for e in layer["expectations"]])
    lines.append("result: " + ("all rules pass" if doc["success"] else "rules failed") + _warnings(warned))
    return lines


def check_paths(args: argparse.Namespace) -> None:
    """Every output path, before any work: a directory, a missing parent or an unwritable path is exit 2 now."""
    check_output(args.json, "--json", allow_stdout=True)
    json_file = None if str(args.json) == STDOUT else args.json
    check_outputs((json_file, "--json"), (args.report, "--report"), (args.junit, "--junit"),
                  (args.summary_md, "--summary-md"))


def _human(args: argparse.Namespace) -> Any:
    """Where the human-readable lines go: stderr when standard output carries the JSON, so it stays valid JSON."""
    return sys.stderr if str(args.json) == STDOUT else sys.stdout


def write_outputs(doc: dict[str, Any], args: argparse.Namespace) -> None:
    if args.json:
        write_json_atomic(args.json, doc)
    if args.report:
        from nbadq.report import write_report

        print(f"report: {write_report(doc, None, args.report)}", file=_human(args))
    if args.junit:
        from nbadq.report.junit import write_junit

        write_junit(doc, args.junit)
    if args.summary_md:
        from nbadq.report.summary_md import write_summary

        write_summary(doc, args.summary_md)


def run(args: argparse.Namespace) -> int:
    from nbadq.validation import run_checkpoint

    since, until = window_from(args)
    as_of = as_of_from(args)
    check_paths(args)
    doc = run_checkpoint(args.warehouse, args.checkpoint, since, until, as_of)
    write_outputs(doc, args)
    _human(args).write("\n".join(summary_lines(doc)) + "\n")
    return ExitCode.OK if doc["success"] else ExitCode.FAILED
