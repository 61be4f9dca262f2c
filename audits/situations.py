"""Name the situation of an exit from the code around it, so a finding says *which* path forgot the stat.

    if not rows: return                      -> empty data
    if self.already_loaded(date): return     -> skipped write    (skip, already, exists, duplicate, dry_run, ...)
    if errors: return / if not valid: raise  -> validation failure
    except ...: raise                        -> error handler
    the last return after insert/write/...   -> success

A condition is read as (situation, polarity): the situation holds when the test is true (polarity True) or false.
`not` flips the polarity; `a and b` / `a or b` take the first operand that names a situation. The labels are a
reader's aid; they never decide whether an exit is reported.
"""

from __future__ import annotations

import ast
import re
from functools import lru_cache

EMPTY = "empty data"
SKIP = "skipped write"
INVALID = "validation failure"
HANDLER = "error handler"
SUCCESS = "success"
# When several unset paths meet at one exit, the first of these that applies names it.
PRIORITY = (HANDLER, INVALID, SKIP, EMPTY)

_INVALID_WHEN_TRUE = {"error", "errors", "err", "errs", "invalid", "fail", "failed", "fails", "failure", "failures",
                      "missing", "bad", "reject", "rejected", "violation", "violations", "problems", "malformed"}
_INVALID_WHEN_FALSE = {"valid", "validate", "validated", "validation", "ok", "passed", "passes", "check", "checks",
                       "conforms", "complete"}
_SKIP_WHEN_TRUE = {"skip", "skipped", "skipping", "already", "exists", "exist", "existing", "duplicate", "duplicates",
                   "dup", "dups", "dupe", "processed", "loaded", "seen", "done", "dry", "unchanged", "cached",
                   "idempotent", "idempotency", "bootstrap", "noop"}
_SKIP_WHEN_FALSE = {"should", "needs", "need", "changed", "changes", "stale"}
_DATA_WORDS = {"row", "rows", "data", "record", "records", "df", "frame", "dataframe", "item", "items", "batch",
               "payload", "result", "results", "transformed", "entries", "lines", "games", "players", "props",
               "values", "output", "docs", "documents", "events", "chunk", "chunks"}
_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")


@lru_cache(maxsize=4096)
def words(identifier: str) -> frozenset[str]:
    """`already_loaded` -> {already, loaded}; `isValid` -> {is, valid}; `HTTPError` -> {http, error}."""
    return frozenset(w.lower() for w in _WORD.findall(identifier))


def classify_test(test: ast.expr) -> tuple[str, bool] | None:
    """(situation, holds_when_true) for an `if`/`elif` test, or None when the test names none."""
    t = type(test)
    if t is ast.UnaryOp and isinstance(test.op, ast.Not):
        inner = classify_test(test.operand)
        return (inner[0], not inner[1]) if inner else None
    if t is ast.BoolOp:
        for value in test.values:
            found = classify_test(value)
            if found:
                return found
        return None
    if t is ast.Compare:
        return _compare(test)
    if t is ast.Call:
        name = _name_of(test.func)
        if name == "len" and test.args:
            return _data_subject(test.args[0], holds_when_true=False)
        if name in ("any", "bool") and test.args:
            return classify_test(test.args[0])
        found = _by_words(name, default=None) if name else None
        # self.opts.get("skip_save"), os.environ.get("DRY_RUN"): the option's name tells.
        return found or _by_constant(test.args[0] if test.args else None)
    if t is ast.Attribute and test.attr == "empty":
        return EMPTY, True  # DataFrame.empty
    if t is ast.Subscript:
        found = _by_constant(test.slice)  # self.opts["dry_run"]
        if found:
            return found
    if t is ast.Name or t is ast.Attribute or t is ast.Subscript:
        name = _name_of(test)
        return _by_words(name, default=(EMPTY, False) if name and _is_data(name) else None) if name else None
    if t is ast.Await:
        return classify_test(test.value)
    return None


def _compare(test: ast.Compare) -> tuple[str, bool] | None:
    left, op, right = test.left, test.ops[0], test.comparators[0]
    subject = _len_arg(left)
    if subject is not None and isinstance(right, ast.Constant) and isinstance(right.value, int):
        n = right.value
        empty_when_true = (isinstance(op, ast.Eq) and n == 0) or (isinstance(op, (ast.Lt, ast.LtE)) and n <= 1
                                                                  and not (isinstance(op, ast.LtE) and n == 1))
        nonempty_when_true = (isinstance(op, (ast.Gt, ast.NotEq)) and n == 0) or (isinstance(op, ast.GtE) and n == 1)
        if empty_when_true or nonempty_when_true:
            return _data_subject(subject, holds_when_true=empty_when_true)
    if isinstance(right, ast.Constant) and right.value is None and isinstance(op, (ast.Is, ast.IsNot)):
        found = classify_test(left)
        if found and found[0] != EMPTY:
            return found[0], found[1] ^ isinstance(op, ast.Is)
        return EMPTY, isinstance(op, ast.Is)
    if isinstance(right, (ast.List, ast.Dict, ast.Tuple)) and not getattr(right, "elts", getattr(right, "keys", None)):
        if isinstance(op, (ast.Eq, ast.NotEq)):
            return EMPTY, isinstance(op, ast.Eq)
    for side in (left, right):
        name = _name_of(side) if not isinstance(side, ast.Call) else _name_of(side.func)
        if name:
            found = _by_words(name, default=None)
            if found and found[0] != EMPTY:
                return found
    return None


def _data_subject(node: ast.expr, holds_when_true: bool) -> tuple[str, bool]:
    name = _name_of(node)
    found = _by_words(name, default=None) if name else None
    # `len(errors) > 0` is a validation failure, `len(rows) == 0` empty data.
    if found and found[0] == INVALID:
        return INVALID, not holds_when_true if found[1] else holds_when_true
    return EMPTY, holds_when_true


def _by_words(name: str, default: tuple[str, bool] | None) -> tuple[str, bool] | None:
    ws = words(name)
    if ws & _INVALID_WHEN_TRUE:
        return INVALID, True
    if ws & _SKIP_WHEN_TRUE:
        return SKIP, True
    if ws & _INVALID_WHEN_FALSE:
        return INVALID, False
    if ws & _SKIP_WHEN_FALSE:
        return SKIP, False
    return default


def _by_constant(node: ast.AST | None) -> tuple[str, bool] | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.isidentifier():
        found = _by_words(node.value, default=None)
        return found if found and found[0] != EMPTY else None
    return None


def classify_case(pattern: ast.pattern) -> str | None:
    """`case "skip":` / `case Mode.DRY_RUN:` -> the situation its value names, for that case's body."""
    if isinstance(pattern, ast.MatchOr):
        for option in pattern.patterns:
            found = classify_case(option)
            if found:
                return found
        return None
    if isinstance(pattern, ast.MatchValue):
        value = pattern.value
        name = value.value if isinstance(value, ast.Constant) and isinstance(value.value, str) else _name_of(value)
        if name:
            found = _by_words(name, default=None)
            if found and found[1]:
                return found[0]
    return None


def _is_data(name: str) -> bool:
    return bool(words(name) & _DATA_WORDS)


def _len_arg(node: ast.expr) -> ast.expr | None:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "len" and node.args:
        return node.args[0]
    return None


def _name_of(node: ast.AST) -> str | None:
    """The most specific identifier: `self.already_loaded` -> already_loaded, `rows[0]` -> rows."""
    if isinstance(node, ast.Subscript):
        node = node.value
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Call):
        return _name_of(node.func)
    return None


def classify_raise(exception_names: tuple[str, ...] | None) -> str | None:
    """A raise outside any labelled branch is named by its exception: ValidationError -> validation failure."""
    for name in exception_names or ():
        ws = words(name)
        if ws & {"validation", "invalid", "schema", "valid"}:
            return INVALID
        if ws & {"empty", "nodata"} or "NoData" in name:
            return EMPTY
        if ws & {"skip", "skipped", "duplicate"}:
            return SKIP
    return None


def explain(where: str | None, unset_labels: list[str | None], wrote: bool) -> str | None:
    """The situation of an unset exit: the labelled branch it sits in, else the label of the unset paths that
    reach it, else success when a write certainly ran before it."""
    if where:
        return where
    for label in PRIORITY:
        if label in unset_labels:
            return label
    return SUCCESS if wrote else None
