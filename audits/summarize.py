"""One file -> FileSummary: parse with `ast` (never import), index classes and imports, analyse every method.

Runs in worker processes. A file whose bytes contain none of the audited method names cannot define an override,
so it is not parsed at first: only its `class Name(...)` headers are read from the text (cheaply, and only to choose
which files a later round must parse properly).
"""

from __future__ import annotations

import ast
import re

from nbadq.audits import catching, condition
from nbadq.audits.dotted import dotted
from nbadq.audits.condition import TRUE
from nbadq.audits.flow import MethodFlow, local_functions
from nbadq.audits.outline import outline
from nbadq.audits.setters import EffectReader
from nbadq.audits.suppression import find_suppression
from nbadq.audits.summaries import (ClassSummary, ExitSummary, FileSummary, ImportedName, KeyFlow, MethodSummary,
                              ParseError)

_CLASS_HEADER = re.compile(r"^[ \t]*class[ \t]+(\w+)[ \t]*(?:\(((?:[^()]|\([^()]*\))*)\))?", re.MULTILINE)
_IDENT = re.compile(r"[^\W\d]\w*")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_COMPOUND_FIELDS = ("body", "orelse", "finalbody", "handlers")


class Job:
    """What every worker needs to know: the rules, as plain data."""

    def __init__(self, rules: dict[str, tuple[str, ...]], keys: tuple[str, ...]):
        self.rules = rules  # method -> keys it must set
        self.keys = keys  # every key of every rule
        self.needles = tuple(m.encode() for m in rules)


AUTO, FULL, OUTLINE = "auto", "full", "outline"


def summarize(path: str, job: Job, mode: str = AUTO) -> FileSummary:
    """AUTO: parse the file if it mentions an audited method, else read only its class headers' text. FULL: parse.
    OUTLINE: read only class statements and imports (audits/outline.py), or parse if the file is not plain."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        return FileSummary(path, parsed=False, error=ParseError(path, 1, 1, exc.strerror or str(exc), unreadable=True))
    if mode == AUTO and not any(needle in data for needle in job.needles):
        return FileSummary(path, parsed=False, headers=_headers(data))
    try:
        text = _decode(data)
        if mode == OUTLINE:
            summary = outline(path, text)
            if summary is not None:
                return summary
        tree = ast.parse(text, filename=path)
    except SyntaxError as exc:
        message = exc.msg if exc.msg else str(exc)
        return FileSummary(path, parsed=False, error=ParseError(path, exc.lineno or 1, exc.offset or 1, message))
    except (ValueError, UnicodeDecodeError, RecursionError, MemoryError) as exc:
        return FileSummary(path, parsed=False, error=ParseError(path, 1, 1, f"{type(exc).__name__}: {exc}"))
    return _FileReader(path, text, tree, job).summary()


def method_flow(path: str, qualname: str, method: str, key: str, job: Job) -> KeyFlow | None:
    """On demand, in the main process: whether `qualname.method` sets `key` on all its normal returns, for a
    helper the first pass did not analyse for that key. The file is read and parsed again (rarely needed), and
    kept for the next helper of the same file."""
    reader = _READERS.get(path)
    if reader is None:
        try:
            with open(path, "rb") as handle:
                text = _decode(handle.read())
            reader = _FileReader(path, text, ast.parse(text, filename=path), job)
        except (OSError, SyntaxError, ValueError, UnicodeDecodeError, RecursionError, MemoryError):
            return None
        if len(_READERS) >= _MAX_READERS:
            _READERS.pop(next(iter(_READERS)))
        _READERS[path] = reader
    return reader.method_flow(qualname, method, key)


_READERS: dict = {}
_MAX_READERS = 32


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        import io
        import tokenize

        # A PEP 263 coding cookie; tokenize reads it the way the interpreter does.
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding)


def _headers(data: bytes) -> tuple[tuple[str, frozenset], ...]:
    if b"class" not in data:
        return ()
    text = data.decode("utf-8", "replace")
    return tuple((m.group(1), frozenset(_IDENT.findall(m.group(2) or ""))) for m in _CLASS_HEADER.finditer(text))


class _FileReader:
    def __init__(self, path: str, text: str, tree: ast.Module, job: Job):
        self.path = path
        self.text = text
        self.tree = tree
        self.job = job
        self._lines: list[str] | None = None
        self._classes: dict | None = None  # qualname -> ClassDef, for on-demand analysis
        self._catcher_all = None

    def summary(self) -> FileSummary:
        imports: dict[str, ImportedName] = {}
        class_nodes: list[tuple[str, ast.ClassDef]] = []
        self._scan(self.tree.body, "", imports, class_nodes)
        catcher = self._catcher(class_nodes)
        classes = tuple(self._class(qualname, node, catcher) for qualname, node in class_nodes)
        return FileSummary(self.path, parsed=True, classes=classes, imports=imports)

    def _catcher(self, class_nodes) -> catching.Catcher:
        return catching.Catcher({node.name: tuple(filter(None, (catching.last_name(_strip(b)) for b in node.bases)))
                                 for _, node in class_nodes})

    def _scan(self, stmts, prefix: str, imports: dict, out: list) -> None:
        """Module-level imports and classes, also inside if/try/with blocks; classes nested in classes."""
        for node in stmts:
            t = type(node)
            if t is ast.ClassDef:
                qualname = prefix + node.name
                out.append((qualname, node))
                self._scan([n for n in node.body if isinstance(n, ast.ClassDef)], qualname + ".", imports, out)
            elif t is ast.ImportFrom:
                if not prefix:
                    for alias in node.names:
                        if alias.name != "*":
                            imports[alias.asname or alias.name] = ImportedName(node.module or "", alias.name,
                                                                               node.level)
            elif t is ast.Import:
                if not prefix:
                    for alias in node.names:
                        bound = alias.asname or alias.name.split(".")[0]
                        imports[bound] = ImportedName(alias.name if alias.asname else bound, None, 0)
            elif t in _FUNCTIONS:
                continue
            else:
                for field in _COMPOUND_FIELDS:
                    inner = getattr(node, field, None)
                    if inner:
                        self._scan(inner, prefix, imports, out)

    def _class(self, qualname: str, node: ast.ClassDef, catcher: catching.Catcher) -> ClassSummary:
        methods = {}
        for item in node.body:  # a later definition of the same name replaces an earlier one, as at run time
            if isinstance(item, _FUNCTIONS):
                methods[item.name] = self._method(item, catcher)
        bases = tuple(dotted(_strip(b)) for b in node.bases)
        return ClassSummary(qualname, node.name, node.lineno, node.col_offset + 1, bases, methods)

    def _method(self, fn, catcher: catching.Catcher) -> MethodSummary:
        """Audited methods get every exit for their keys. Other methods are analysed here only for the keys their
        text mentions (directly, or through an audited method's name as in `super().save_data()`); the few
        others a caller turns out to need are analysed on demand (method_flow)."""
        rule_keys = self.job.rules.get(fn.name, ())
        flows = {}
        if rule_keys:
            for key in rule_keys:
                exits = self._analyse(fn, key, catcher)
                detail = tuple(sorted((self._exit(fn, e) for e in exits), key=lambda e: (e.line, e.column)))
                flows[key] = KeyFlow(_returns(exits), detail)
        else:
            for key in self._mentioned_keys(fn):
                flows[key] = KeyFlow(_returns(self._analyse(fn, key, catcher)))
        suppression = find_suppression(self.lines, fn) if rule_keys else None
        return MethodSummary(fn.name, fn.lineno, fn.col_offset + 1, fn.end_lineno or fn.lineno,
                             isinstance(fn, ast.AsyncFunctionDef), suppression, flows)

    def _mentioned_keys(self, fn) -> list[str]:
        text = self._source(fn)
        if "stats" not in text and "super" not in text and "(self" not in text:
            return []  # cannot set a stat, nor call an audited method with self
        rules = self.job.rules
        return [key for key in self.job.keys
                if key in text or any(key in keys and method in text for method, keys in rules.items())]

    def _source(self, fn) -> str:
        return "\n".join(self.lines[fn.lineno - 1:fn.end_lineno or fn.lineno])

    def _analyse(self, fn, key: str, catcher: catching.Catcher) -> list:
        params = fn.args.posonlyargs + fn.args.args
        self_name = params[0].arg if params else "self"
        # Only a method whose text has a second `def` can define nested functions; most have none.
        locals_ = local_functions(fn) if self._source(fn).count("def ") > 1 else {}
        reader = EffectReader(self_name, frozenset(locals_))
        cache: dict = {}
        local_memo: dict = {}

        def resolve_local(name: str, local_key: str):
            """A nested function called by the method: the key is set after the call if it is set on all its
            normal returns."""
            memo_key = (name, local_key)
            if memo_key in local_memo:
                return local_memo[memo_key] if local_memo[memo_key] is not None else condition.FALSE
            local_memo[memo_key] = None  # recursion: assume not set
            exits = MethodFlow(local_key, reader, catcher, cache, resolve_local).run(locals_[name])
            local_memo[memo_key] = _returns(exits)
            return local_memo[memo_key]

        return MethodFlow(key, reader, catcher, cache, resolve_local).run(fn)

    def method_flow(self, qualname: str, method: str, key: str) -> KeyFlow | None:
        if self._classes is None:
            imports: dict = {}
            class_nodes: list = []
            self._scan(self.tree.body, "", imports, class_nodes)
            self._classes = {name: node for name, node in class_nodes}  # the last definition wins, as at run time
            self._catcher_all = self._catcher(class_nodes)
        node = self._classes.get(qualname)
        if node is None:
            return None
        for item in reversed(node.body):
            if isinstance(item, _FUNCTIONS) and item.name == method:
                return KeyFlow(_returns(self._analyse(item, key, self._catcher_all)))
        return None

    def _exit(self, fn, e) -> ExitSummary:
        if e.kind == "fallthrough":
            line = fn.end_lineno or fn.lineno
            text = self.lines[line - 1] if line <= len(self.lines) else ""
            column = len(text) - len(text.lstrip()) + 1
        else:
            line = e.node.lineno
            column = self._column(line, e.node.col_offset)
        paths = tuple(sorted(e.state.paths.items(), key=lambda item: item[0] or ""))
        return ExitSummary(line, column, e.kind, e.where, paths, e.state.wrote, e.state.maybe)

    @property
    def lines(self) -> list[str]:
        """Physical lines as ast numbers them (\r\n, \r and \n end a line; form feeds do not, unlike
        str.splitlines)."""
        if self._lines is None:
            self._lines = self.text.split("\n") if "\r" not in self.text else _LINE_BREAK.split(self.text)
        return self._lines

    def _column(self, line: int, byte_offset: int) -> int:
        """ast gives UTF-8 byte offsets; editors and SARIF want characters (1-based)."""
        text = self.lines[line - 1] if line <= len(self.lines) else ""
        if text.isascii():
            return byte_offset + 1
        return len(text.encode("utf-8")[:byte_offset].decode("utf-8", "ignore")) + 1


def _returns(exits) -> condition.Cond:
    cond = TRUE
    for e in exits:
        if e.kind != "raise":
            cond = condition.both(cond, e.state.cond())
    return cond


def _strip(node: ast.expr) -> ast.expr:
    """`Base[T]` -> `Base`: a subscripted generic base is still that class."""
    return node.value if isinstance(node, ast.Subscript) else node
