"""`nbadq report`: draw the offline HTML report from the JSON `nbadq validate --json` (and `nbadq fill --json`) wrote.

Exit 0 once the report is written, whatever it shows (the gate is `nbadq validate`'s exit code); 2 when `--out`
cannot be written (checked first) or a document is missing or malformed, and then nothing is written.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from nbadq.errors import UsageError
from nbadq.exitcodes import ExitCode
from nbadq.files import check_output

DEFAULT_VALIDATE_JSON = Path("uncommitted/validate.json")
DEFAULT_OUT = Path("uncommitted/report.html")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from-json", type=Path, default=DEFAULT_VALIDATE_JSON, metavar="VALIDATE_JSON",
                        help=f"the file `nbadq validate --json` wrote (default: {DEFAULT_VALIDATE_JSON})")
    parser.add_argument("--fill-json", type=Path, default=None, metavar="FILL_JSON",
                        help="the file `nbadq fill --json` wrote: adds the last fill's outcomes and "
                             "before/after coverage (default: none)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, metavar="FILE",
                        help=f"where to write the HTML (default: {DEFAULT_OUT}); written atomically")


def run(args: argparse.Namespace) -> int:
    from nbadq.report import write_report
    from nbadq.report.documents import check_fill_doc, check_validate_doc, load_json

    _check_out(args.out)
    validate_doc = _checked(load_json(args.from_json, "--from-json"), check_validate_doc, "--from-json",
                            args.from_json)
    fill_doc = None
    if args.fill_json:
        fill_doc = _checked(load_json(args.fill_json, "--fill-json"), check_fill_doc, "--fill-json", args.fill_json)
    print(write_report(validate_doc, fill_doc, args.out))
    return ExitCode.OK


def _check_out(out: Path) -> None:
    """Refuse an unusable --out before reading anything. The default's directory, uncommitted/, is nbadq's own:
    it is created when the report is written, so only its parent must be writable now."""
    if out == DEFAULT_OUT and not out.parent.exists():
        check_output(out.parent, "--out")
    else:
        check_output(out, "--out")


def _checked(doc: dict, check, flag: str, path: Path) -> dict:
    """Run a document check, naming the file at fault: the check's message points inside the document."""
    try:
        check(doc)
    except UsageError as exc:
        raise UsageError(f"{flag} {path}: {exc}") from None
    return doc
