"""Read only the class statements and imports of a file, for files that cannot define an audited method.

A file whose text holds none of the audited method names can still matter: it may define a processor that only
inherits (listed in the report) or a base class. Parsing it whole costs as much as parsing a real override, so for
processors that only inherit the audit reads just what it needs: the top-level `class` headers and the top-level
imports, each parsed by `ast` on its own. Strings and comments are located first (one regular expression over the
file) so that a `class X(Base):` inside a docstring or an SQL string is never taken for code.

Whenever the file is anything but plain (an indented class, a tab in an indent, a header or import that does not
parse alone), `outline` returns None and the caller parses the whole file instead.
"""

from __future__ import annotations

import ast
import re
from bisect import bisect_right

from nbadq.audits.dotted import dotted
from nbadq.audits.summaries import ClassSummary, FileSummary, ImportedName

# Comments, then strings, triple-quoted before single-quoted. A prefix (r, b, f, ...) needs no matching: it does
# not change where a string ends, since escapes skip the next character in raw strings too.
_STRINGS = re.compile(
    r"""\#[^\n]*
      | \"\"\"(?:[^"\\]|\\.|"(?!""))*(?:\"\"\"|\Z)
      | '''(?:[^'\\]|\\.|'(?!''))*(?:'''|\Z)
      | "(?:[^"\\\n]|\\.)*(?:"|$)
      | '(?:[^'\\\n]|\\.)*(?:'|$)""",
    re.VERBOSE | re.DOTALL | re.MULTILINE,
)
_CLASS_LINE = re.compile(r"^([ \t]*)class[ \t]", re.MULTILINE)
_HEADER = re.compile(r"class[ \t]+\w+[ \t]*(?:\((?:[^()]|\([^()]*\))*\))?[ \t]*:")
_IMPORT = re.compile(r"^(?:from[ \t]+[.\w]+[ \t]+import[ \t]*(?:\([^)]*\)|[^\n]*)|import[ \t]+[^\n]*)", re.MULTILINE)
_TAB_INDENT = re.compile(r"^ *\t", re.MULTILINE)


def outline(path: str, text: str) -> FileSummary | None:
    if _TAB_INDENT.search(text):
        return None
    starts, ends = _spans(text)
    classes = []
    for match in _CLASS_LINE.finditer(text):
        if _inside(match.start(), starts, ends):
            continue
        if match.group(1):
            return None  # a class inside a block or another class: let the full parse decide what it is
        header = _HEADER.match(text, match.end(1))
        node = _parse_one(header.group(0) + " pass") if header else None
        if not isinstance(node, ast.ClassDef):
            return None
        line = text.count("\n", 0, match.start()) + 1
        bases = tuple(dotted(b.value if isinstance(b, ast.Subscript) else b) for b in node.bases)
        classes.append(ClassSummary(node.name, node.name, line, 1, bases, {}))
    if not classes:
        return FileSummary(path, parsed=True, outline=True)
    imports = {}
    statements = [m.group(0) for m in _IMPORT.finditer(text) if not _inside(m.start(), starts, ends)]
    if statements:
        try:
            tree = ast.parse("\n".join(statements))
        except (SyntaxError, ValueError):
            return None
        for node in tree.body:
            if isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    if alias.name != "*":
                        imports[alias.asname or alias.name] = ImportedName(node.module or "", alias.name, node.level)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    bound = alias.asname or alias.name.split(".")[0]
                    imports[bound] = ImportedName(alias.name if alias.asname else bound, None, 0)
    return FileSummary(path, parsed=True, classes=tuple(classes), imports=imports, outline=True)


def _spans(text: str) -> tuple[list[int], list[int]]:
    """Start and end offsets of the strings and comments that span lines or could hide a line start."""
    starts, ends = [], []
    for m in _STRINGS.finditer(text):
        starts.append(m.start())
        ends.append(m.end())
    return starts, ends


def _inside(offset: int, starts: list[int], ends: list[int]) -> bool:
    i = bisect_right(starts, offset) - 1
    return i >= 0 and offset < ends[i]


def _parse_one(source: str) -> ast.stmt | None:
    try:
        body = ast.parse(source).body
    except (SyntaxError, ValueError):
        return None
    return body[0] if len(body) == 1 else None
