"""What a statement does to `self.stats`, read from its own expressions (not from the bodies it contains).

Counts as setting a key:
    self.stats["key"] = ...          self.stats["key"] += ...          self.stats["key"]: int = ...
    self.stats.update({"key": ...})  self.stats.update(key=...)        self.stats.update(dict(key=...))
    self.stats = {"key": ..., ...}   (replaces the dict: every other key is unset)
Counts as a call whose effect is decided later (an atom, see audits/condition.py):
    self.<m>(...)                    -> ("self", m)
    super().<m>(...)                 -> ("super", None, m)       super(Cls, self).<m>(...) -> ("super", "Cls", m)
    Base.<m>(self, ...)              -> ("cls", "Base", m)       (dotted names too: module.Base.<m>(self))
    helper(...) for a function defined inside the method       -> ("local", name)
Counts as unsetting: `self.stats = <anything else>`, `self.stats.clear()`, `self.stats.pop("key")`,
`del self.stats["key"]`.

Only code that certainly runs when the statement runs counts: the right operand of `and`/`or`, the branches of
`x if c else y`, lambda bodies and comprehension bodies may not run, so calls there are ignored. Strings, docstrings
and comments are not code, so they never count.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from nbadq.audits.dotted import dotted

# Calls that write data somewhere; an exit after one is the "success" path.
_WRITE_CALL = re.compile(
    r"(?:^|_)(?:insert|inserts|write|writes|upsert|merge|save|persist|upload|flush|commit|executemany|publish)(?:_|$)"
    r"|^load_table|^to_(?:gbq|sql|parquet|csv)$|^append_rows$"
)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_RAISING_STATEMENTS = (ast.Raise, ast.Assert, ast.Import, ast.ImportFrom, ast.Delete, ast.With, ast.AsyncWith,
                       ast.For, ast.AsyncFor)


@dataclass(frozen=True, slots=True)
class Effects:
    """The ordered operations of one statement: ("set", key), ("reset", key | None), ("call", atom), ("local", name)."""

    ops: tuple
    writes: bool  # a write-like call certainly runs
    may_raise: bool  # an exception can leave this statement part-way (calls, subscripts, awaits)


NONE = Effects((), False, False)


class EffectReader:
    """Reads statements of one method. `self_name` is the method's first parameter."""

    def __init__(self, self_name: str, local_functions: frozenset[str] = frozenset()):
        self.self_name = self_name
        self.local_functions = local_functions

    def effects(self, stmt: ast.stmt) -> Effects:
        ops: list = []
        state = [False, isinstance(stmt, _RAISING_STATEMENTS)]  # writes, may_raise
        t = type(stmt)
        if t is ast.Expr or t is ast.Return:
            if stmt.value is not None:
                self._expr(stmt.value, ops, state)
        elif t is ast.Assign:
            self._expr(stmt.value, ops, state)
            for target in stmt.targets:
                self._target(target, stmt.value, ops, state)
        elif t is ast.AugAssign:
            self._expr(stmt.value, ops, state)
            self._target(stmt.target, None, ops, state, augmented=True)
        elif t is ast.AnnAssign:
            if stmt.value is not None:
                self._expr(stmt.value, ops, state)
                self._target(stmt.target, stmt.value, ops, state)
        elif t is ast.If or t is ast.While or t is ast.Assert:
            self._expr(stmt.test, ops, state)
        elif t is ast.For or t is ast.AsyncFor:
            self._expr(stmt.iter, ops, state)
        elif t is ast.With or t is ast.AsyncWith:
            for item in stmt.items:
                self._expr(item.context_expr, ops, state)
        elif t is ast.Match:
            self._expr(stmt.subject, ops, state)
        elif t is ast.Raise:
            for part in (stmt.exc, stmt.cause):
                if part is not None:
                    self._expr(part, ops, state)
        elif t is ast.Delete:
            for target in stmt.targets:
                self._delete(target, ops)
        if not ops and not state[0] and not state[1]:
            return NONE
        return Effects(tuple(ops), state[0], state[1])

    def expression(self, expr: ast.expr) -> Effects:
        """Effects of a lone expression (a match guard, a loop test evaluated again)."""
        ops: list = []
        state = [False, False]
        self._expr(expr, ops, state)
        return Effects(tuple(ops), state[0], state[1]) if ops or state[0] or state[1] else NONE

    # -- expressions ---------------------------------------------------------------------------------------------

    def _expr(self, node: ast.AST, ops: list, state: list) -> None:
        t = type(node)
        if t is ast.Name or t is ast.Constant:
            return
        if t is ast.Call:
            self._expr(node.func, ops, state)
            for arg in node.args:
                self._expr(arg, ops, state)
            for kw in node.keywords:
                self._expr(kw.value, ops, state)
            state[1] = True
            self._call(node, ops, state)
        elif t is ast.Attribute:
            self._expr(node.value, ops, state)
        elif t is ast.Subscript:
            self._expr(node.value, ops, state)
            self._expr(node.slice, ops, state)
            state[1] = True
        elif t is ast.BoolOp:
            self._expr(node.values[0], ops, state)  # the others may be short-circuited
        elif t is ast.IfExp:
            self._expr(node.test, ops, state)
        elif t is ast.Compare:
            self._expr(node.left, ops, state)
            self._expr(node.comparators[0], ops, state)  # a < b < c stops early when a < b is false
        elif t is ast.Lambda:
            return
        elif t in _COMPREHENSIONS:
            self._expr(node.generators[0].iter, ops, state)  # the only part that runs for an empty iterable
        elif t is ast.Await or t is ast.Yield or t is ast.YieldFrom:
            state[1] = True
            if node.value is not None:
                self._expr(node.value, ops, state)
        else:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.expr):
                    self._expr(child, ops, state)
                elif isinstance(child, ast.keyword):
                    self._expr(child.value, ops, state)

    def _call(self, node: ast.Call, ops: list, state: list) -> None:
        func = node.func
        if isinstance(func, ast.Name):
            if func.id in self.local_functions:
                ops.append(("local", func.id))
            if _WRITE_CALL.search(func.id):
                state[0] = True
            return
        if not isinstance(func, ast.Attribute):
            return
        receiver, name = func.value, func.attr
        if self._is_stats(receiver):
            self._stats_method(name, node, ops)
            return
        if isinstance(receiver, ast.Name) and receiver.id == self.self_name:
            ops.append(("call", ("self", name)))
        elif isinstance(receiver, ast.Call) and isinstance(receiver.func, ast.Name) and receiver.func.id == "super":
            explicit = dotted(receiver.args[0]) if receiver.args else None
            ops.append(("call", ("super", explicit, name)))
        elif node.args and self._is_self(node.args[0]):
            owner = dotted(receiver)
            if owner is not None and owner.split(".", 1)[0] != self.self_name:
                ops.append(("call", ("cls", owner, name)))
        if _WRITE_CALL.search(name):
            state[0] = True

    def _stats_method(self, name: str, node: ast.Call, ops: list) -> None:
        if name == "update":
            for arg in node.args[:1]:
                ops.extend(("set", key) for key in _literal_keys(arg))
            ops.extend(("set", kw.arg) for kw in node.keywords if kw.arg is not None)
        elif name == "clear":
            ops.append(("reset", None))
        elif name in ("pop", "__delitem__") and node.args:
            key = _constant_key(node.args[0])
            if key is not None:
                ops.append(("reset", key))

    # -- targets ------------------------------------------------------------------------------------------------

    def _target(self, target: ast.AST, value: ast.AST | None, ops: list, state: list, augmented: bool = False) -> None:
        t = type(target)
        if t is ast.Subscript:
            self._expr(target.value, ops, state)
            self._expr(target.slice, ops, state)
            if self._is_stats(target.value):
                key = _constant_key(target.slice)
                if key is not None:
                    ops.append(("set", key))
        elif t is ast.Attribute:
            self._expr(target.value, ops, state)
            if not augmented and self._is_stats(target):
                # `self.stats = {...}` replaces the dict: what it holds afterwards is exactly the literal's keys.
                ops.append(("reset", None))
                if value is not None:
                    ops.extend(("set", key) for key in _literal_keys(value))
        elif t is ast.Tuple or t is ast.List:
            for element in target.elts:
                self._target(element, None, ops, state)
        elif t is ast.Starred:
            self._target(target.value, None, ops, state)

    def _delete(self, target: ast.AST, ops: list) -> None:
        if isinstance(target, ast.Subscript) and self._is_stats(target.value):
            key = _constant_key(target.slice)
            if key is not None:
                ops.append(("reset", key))
        elif self._is_stats(target):
            ops.append(("reset", None))
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self._delete(element, ops)

    def _is_self(self, node: ast.AST) -> bool:
        return isinstance(node, ast.Name) and node.id == self.self_name

    def _is_stats(self, node: ast.AST) -> bool:
        return isinstance(node, ast.Attribute) and node.attr == "stats" and self._is_self(node.value)


def _constant_key(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _literal_keys(node: ast.AST) -> list[str]:
    """Keys a dict display or dict(...) call certainly holds."""
    if isinstance(node, ast.Dict):
        return [k for k in (_constant_key(key) for key in node.keys if key is not None) if k is not None]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "dict":
        keys = [kw.arg for kw in node.keywords if kw.arg is not None]
        return keys + (_literal_keys(node.args[0]) if node.args else [])
    return []
