"""`# nbadq: ignore[rows-stat] <reason>` on the `def` line accepts a method's unset exits, on the record.

The comment may sit on any line of the signature up to the line that ends it with `:` (a long signature wrapped by
a formatter puts the comment after the closing parenthesis). Codes are comma-separated; `rows-stat` and its number
`NBQ001` both work. The reason is everything after the brackets; the reports show it.
"""

from __future__ import annotations

import ast
import re

from nbadq.audits.summaries import Suppression

CODES = {"rows-stat", "nbq001"}
_MARKER = re.compile(r"#\s*nbadq:\s*ignore\[([^\]]*)\](.*)$", re.IGNORECASE)


def find_suppression(lines: list[str], fn: ast.FunctionDef | ast.AsyncFunctionDef) -> Suppression | None:
    for number in _signature_lines(lines, fn):
        text = lines[number - 1]
        if "nbadq" not in text:
            continue
        match = _MARKER.search(text)
        if match and {c.strip().lower() for c in match.group(1).split(",")} & CODES:
            return Suppression(number, match.group(2).strip(" \t-:;\u2014\u2013"))
    return None


def _signature_lines(lines: list[str], fn) -> range:
    first = fn.lineno
    body_line = fn.body[0].lineno if fn.body else first
    if body_line <= first:
        return range(first, first + 1)  # `def f(self): return` on one line
    # The signature ends on the first line, from its last annotated or defaulted part on, whose code ends in ':'.
    known_end = max([first] + [n.end_lineno or first for n in _signature_nodes(fn)])
    for number in range(known_end, body_line):
        code = lines[number - 1].split("#", 1)[0].rstrip() if number <= len(lines) else ""
        if code.endswith(":"):
            return range(first, number + 1)
    return range(first, body_line)


def _signature_nodes(fn):
    args = fn.args
    for arg in args.posonlyargs + args.args + args.kwonlyargs + [args.vararg, args.kwarg]:
        if arg is not None:
            yield arg
    yield from (d for d in args.defaults + args.kw_defaults if d is not None)
    if fn.returns is not None:
        yield fn.returns
