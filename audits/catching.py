"""Does an `except` clause catch an explicit `raise`? Decides whether the raise is an exit of the method.

Answers "yes", "no" or "maybe". A raise that is only maybe caught is treated both ways: it is an exit (and is
reported if the stat is unset there) and it also reaches the handler. Exception classes are known from the built-in
hierarchy and from classes defined in the same file; any other class is assumed to derive from Exception, as
application exceptions do.
"""

from __future__ import annotations

import ast
import builtins

YES, NO, MAYBE = "yes", "no", "maybe"

# The built-in hierarchy, read from the running interpreter: class name -> its bases' names
# (ExceptionGroup has two: BaseExceptionGroup and Exception).
_BUILTIN_BASES = {name: tuple(b.__name__ for b in cls.__bases__) for name, cls in vars(builtins).items()
                  if isinstance(cls, type) and issubclass(cls, BaseException) and cls is not BaseException}
_ALIASES = {"IOError": "OSError", "EnvironmentError": "OSError"}


def handler_names(handler_type: ast.expr | None) -> tuple[str, ...] | None:
    """Class names an `except` clause names; None for a bare `except:`; ("?",) for an expression we cannot read."""
    if handler_type is None:
        return None
    nodes = handler_type.elts if isinstance(handler_type, ast.Tuple) else [handler_type]
    names = []
    for node in nodes:
        name = last_name(node)
        names.append(_ALIASES.get(name, name) if name else "?")
    return tuple(names)


def raised_names(exc: ast.expr | None) -> tuple[str, ...] | None:
    """The class a `raise X(...)` / `raise X` raises, or None when it cannot be told (`raise err`)."""
    if exc is None:
        return None
    if isinstance(exc, ast.Call):
        exc = exc.func
    name = last_name(exc)
    if name is None or not (name[:1].isupper()):
        return None  # `raise exc`: a variable, its class is unknown
    return (_ALIASES.get(name, name),)


def last_name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return None


class Catcher:
    """Matches raises against handlers, knowing the exception classes defined in the file being read."""

    def __init__(self, local_bases: dict[str, tuple[str, ...]]):
        self.local_bases = local_bases

    def catches(self, handler: tuple[str, ...] | None, raised: tuple[str, ...] | None) -> str:
        if handler is None or "BaseException" in handler:
            return YES
        if raised is None:
            return YES if "Exception" in handler else MAYBE
        answers = {self._one(handler, name) for name in raised}
        return YES if answers == {YES} else NO if answers == {NO} else MAYBE

    def _one(self, handler: tuple[str, ...], raised: str) -> str:
        ancestors, complete = self._ancestors(raised)
        if ancestors & set(handler):
            return YES
        if "?" in handler:
            return MAYBE
        if not complete:
            # An application exception we cannot see: it derives from Exception, but which subclass is unknown.
            return YES if "Exception" in handler else MAYBE
        return NO

    def _ancestors(self, name: str) -> tuple[set[str], bool]:
        """The class and its ancestors; complete is False when the chain leaves what we know."""
        seen: set[str] = set()
        todo = [name]
        complete = True
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            if current in self.local_bases:
                todo.extend(self.local_bases[current] or ("Exception",))
            elif current in _BUILTIN_BASES:
                todo.extend(_BUILTIN_BASES[current])
            elif current != "BaseException":
                complete = False
        return seen, complete
