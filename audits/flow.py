"""The path-sensitive analysis: an abstract interpretation of one method over its statement tree.

The abstract state at a program point says, for one stats key, whether the key is certainly set on every path that
reaches the point (a formula of audits/condition.py, because calls to other methods are decided later). Paths carry
a situation label (audits/situations.py) so that when paths meet at an exit, the finding can still say which kind
of path left the key unset. Where paths meet the formulas are ANDed: a key counts as set only if it is set on every
way of reaching the point.

Statements are interpreted structurally. Each block yields a Flow: the state at its normal end, at `break`s and
`continue`s, the pending exits (returns and raises not yet past an enclosing `finally` or `except`), and the state
at which an implicit exception (from a call, a subscript, ...) may leave it, which is what an `except` handler
starts from. Loops iterate to a fixpoint. Nested functions, lambdas and classes are not part of the method's flow:
their `return`s are not exits, and what they set counts only where a nested function is called.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from nbadq.audits import catching, condition, situations
from nbadq.audits.condition import FALSE, TRUE, Cond
from nbadq.audits.setters import NONE, EffectReader, Effects

_MAX_LOOP_ROUNDS = 16
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


class State:
    """Per situation label (None: no label yet), when the key is set on all the paths that carry that label; and
    `maybe`, when it is set on at least one path (which tells "never set" from "set on some paths")."""

    __slots__ = ("paths", "wrote", "maybe")

    def __init__(self, paths: dict, wrote: bool, maybe: Cond = FALSE):
        self.paths = paths
        self.wrote = wrote  # a write call certainly ran on every path
        self.maybe = maybe

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, State) and self.wrote == other.wrote and self.paths == other.paths
                and self.maybe == other.maybe)

    def __hash__(self) -> int:
        return hash((frozenset(self.paths.items()), self.wrote, self.maybe))

    def relabel(self, label: str | None) -> "State":
        if label is None:
            return self
        return State({label: self.cond()}, self.wrote, self.maybe)

    def cond(self) -> Cond:
        cond = TRUE
        for c in self.paths.values():
            cond = condition.both(cond, c)
        return cond


def join(a: State | None, b: State | None) -> State | None:
    if a is None:
        return b
    if b is None or a is b:
        return a
    paths = dict(a.paths)
    for label, cond in b.paths.items():
        paths[label] = condition.both(paths[label], cond) if label in paths else cond
    return State(paths, a.wrote and b.wrote, condition.either(a.maybe, b.maybe))


@dataclass(slots=True)
class Exit:
    node: ast.AST
    kind: str  # return | raise | fallthrough
    state: State
    raised: tuple[str, ...] | None  # for raises: the exception classes, None when unknown
    where: str | None  # the situation label of the innermost labelled branch around it


@dataclass(slots=True)
class Flow:
    normal: State | None = None
    breaks: State | None = None
    continues: State | None = None
    exits: list | None = None
    exc: State | None = None

    def take(self, other: "Flow") -> None:
        """Merge everything of `other` except its normal end."""
        self.breaks = join(self.breaks, other.breaks)
        self.continues = join(self.continues, other.continues)
        self.exc = join(self.exc, other.exc)
        if other.exits:
            self.exits = (self.exits or []) + other.exits


@dataclass(frozen=True, slots=True)
class Context:
    where: str | None = None  # situation label of the innermost labelled branch
    reraise: tuple[str, ...] | None = None  # what a bare `raise` re-raises inside a handler
    caught_name: str | None = None  # `except E as <name>`: `raise <name>` re-raises too


class MethodFlow:
    """Interprets one function body for one key. `resolve_local` gives the formula for calling a nested function."""

    def __init__(self, key: str, reader: EffectReader, catcher: catching.Catcher, effects_cache: dict,
                 resolve_local):
        self.key = key
        self.reader = reader
        self.catcher = catcher
        self.cache = effects_cache
        self.resolve_local = resolve_local

    def run(self, fn: ast.FunctionDef | ast.AsyncFunctionDef) -> list[Exit]:
        """Every exit of `fn` with the state joined over all the ways of reaching it."""
        flow = self.block(fn.body, State({None: FALSE}, False), Context())
        exits = list(flow.exits or ())
        if flow.normal is not None:
            exits.append(Exit(fn, "fallthrough", flow.normal, None, None))
        merged: dict[int, Exit] = {}
        for e in exits:
            seen = merged.get(id(e.node))
            merged[id(e.node)] = e if seen is None else Exit(e.node, e.kind, join(seen.state, e.state), e.raised,
                                                             e.where)
        return list(merged.values())

    # -- blocks and statements ------------------------------------------------------------------------------------

    def block(self, stmts: list[ast.stmt], state: State | None, ctx: Context) -> Flow:
        flow = Flow(normal=state)
        handlers = self._HANDLERS
        for stmt in stmts:
            if state is None:
                break  # unreachable code: nothing after a return/raise/break/continue runs
            handler = handlers.get(type(stmt))
            if handler is None:
                # A simple statement (the common case) only transforms the state; no sub-flow to merge.
                if isinstance(stmt, _DEFINITIONS):
                    continue  # defining is not running; calls to nested functions are effects
                eff = self.effects(stmt)
                if eff.may_raise:
                    flow.exc = join(flow.exc, state)
                state = self.apply(state, eff)
                continue
            sub = handler(self, stmt, state, ctx)
            state = sub.normal
            flow.take(sub)
        flow.normal = state
        return flow

    def _return(self, stmt: ast.Return, state: State, ctx: Context) -> Flow:
        eff = self.effects(stmt)
        after = self.apply(state, eff)
        return Flow(exits=[Exit(stmt, "return", after, None, ctx.where)], exc=state if eff.may_raise else None)

    def _raise(self, stmt: ast.Raise, state: State, ctx: Context) -> Flow:
        eff = self.effects(stmt)
        after = self.apply(state, eff)
        exc = stmt.exc
        if exc is None or (isinstance(exc, ast.Name) and exc.id == ctx.caught_name):
            raised = ctx.reraise
        else:
            raised = catching.raised_names(exc)
        where = ctx.where or situations.classify_raise(raised)
        return Flow(exits=[Exit(stmt, "raise", after, raised, where)], exc=state if eff.may_raise else None)

    def _break(self, stmt: ast.Break, state: State, ctx: Context) -> Flow:
        return Flow(breaks=state)

    def _continue(self, stmt: ast.Continue, state: State, ctx: Context) -> Flow:
        return Flow(continues=state)

    def _if(self, stmt: ast.If, state: State, ctx: Context) -> Flow:
        eff = self.effects(stmt)
        after = self.apply(state, eff)
        flow = Flow(exc=state if eff.may_raise else None)
        test = stmt.test
        constant = _constant_truth(test)
        label = situations.classify_test(test)
        body_label = label[0] if label and label[1] else None
        else_label = label[0] if label and not label[1] else None
        if constant is not False:
            body = self.block(stmt.body, after, _where(ctx, body_label))
            flow.normal = _relabel(body.normal, body_label)
            flow.take(body)
        if constant is not True:
            if stmt.orelse:
                orelse = self.block(stmt.orelse, after, _where(ctx, else_label))
                flow.normal = join(flow.normal, _relabel(orelse.normal, else_label))
                flow.take(orelse)
            else:
                flow.normal = join(flow.normal, _relabel(after, else_label))
        return flow

    def _while(self, stmt: ast.While, state: State, ctx: Context) -> Flow:
        forever = _constant_truth(stmt.test) is True
        eff = self.effects(stmt)
        body, head, tested = self._loop(stmt.body, state, ctx, eff)
        exhausted = None if forever else tested
        return self._after_loop(stmt, body, head if eff.may_raise else None, exhausted, ctx)

    def _for(self, stmt: ast.For, state: State, ctx: Context) -> Flow:
        eff = self.effects(stmt)  # the iterable is evaluated once, before the first iteration
        entry = self.apply(state, eff)
        body, head, _ = self._loop(stmt.body, entry, ctx, NONE)
        # Taking the next item may raise (a generator, a cursor), and so may evaluating the iterable.
        flow = self._after_loop(stmt, body, head, head, ctx)
        flow.exc = join(flow.exc, state if eff.may_raise else None)
        return flow

    def _loop(self, body_stmts, entry: State, ctx: Context, test: Effects):
        """Iterate the loop body until the state at the loop head stops changing."""
        head = entry
        for _ in range(_MAX_LOOP_ROUNDS):
            tested = self.apply(head, test)
            body = self.block(body_stmts, tested, ctx)
            new_head = join(entry, join(body.normal, body.continues))
            if new_head == head:
                return body, head, tested
            head = new_head
        head = State({label: FALSE for label in head.paths}, False, head.maybe)
        tested = self.apply(head, test)
        return self.block(body_stmts, tested, ctx), head, tested

    def _after_loop(self, stmt, body: Flow, raising_head: State | None, exhausted: State | None,
                    ctx: Context) -> Flow:
        flow = Flow(exits=body.exits, exc=join(body.exc, raising_head))
        if stmt.orelse and exhausted is not None:
            orelse = self.block(stmt.orelse, exhausted, ctx)
            flow.normal = orelse.normal
            flow.take(orelse)
        else:
            flow.normal = exhausted
        flow.normal = join(flow.normal, body.breaks)  # break and continue belong to this loop, not to outer ones
        return flow

    def _try(self, stmt: ast.Try, state: State, ctx: Context) -> Flow:
        body = self.block(stmt.body, state, ctx)
        names = [catching.handler_names(h.type) for h in stmt.handlers]
        entries: list[State | None] = [None] * len(stmt.handlers)
        escaping = []
        for e in body.exits or ():
            if e.kind != "raise" or not names:
                escaping.append(e)
                continue
            caught = False
            for i, handler in enumerate(names):
                answer = self.catcher.catches(handler, e.raised)
                if answer == catching.NO:
                    continue
                entries[i] = join(entries[i], e.state)
                if answer == catching.YES:
                    caught = True
                    break
            if not caught:
                escaping.append(e)
        # Implicit exceptions (of unknown class) reach the handlers in order, up to one that catches everything.
        implicit_escapes = body.exc is not None
        for i, handler in enumerate(names):
            if body.exc is None:
                break
            entries[i] = join(entries[i], body.exc)
            if handler is None or "BaseException" in handler or "Exception" in handler:
                implicit_escapes = False
                break
        flow = Flow(breaks=body.breaks, continues=body.continues, exits=escaping,
                    exc=body.exc if implicit_escapes else None)
        orelse = self.block(stmt.orelse, body.normal, ctx) if stmt.orelse else Flow(normal=body.normal)
        flow.normal = orelse.normal
        flow.take(orelse)
        for h, handler, entry in zip(stmt.handlers, names, entries):
            if entry is None:
                continue
            inside = Context(where=situations.HANDLER, reraise=handler, caught_name=h.name)
            hflow = self.block(h.body, entry, inside)
            flow.normal = join(flow.normal, _relabel(hflow.normal, situations.HANDLER))
            flow.take(hflow)
        if stmt.finalbody:
            flow = self._finally(stmt.finalbody, flow, ctx)
        return flow

    def _finally(self, final: list[ast.stmt], flow: Flow, ctx: Context) -> Flow:
        """Every way out of the try statement runs the finally block first, which can set the key (or exit)."""
        runs: dict[State, Flow] = {}
        out = Flow()

        def through(entry: State | None) -> State | None:
            if entry is None:
                return None
            run = runs.get(entry)
            if run is None:
                run = runs[entry] = self.block(final, entry, ctx)
                out.take(run)  # the finally block's own returns, raises, breaks
            return run.normal

        # through() merges each run into `out`, so call it before reading `out`.
        normal = through(flow.normal)
        breaks = through(flow.breaks)
        continues = through(flow.continues)
        escaping = through(flow.exc)
        exits = []
        for e in flow.exits or ():
            after = through(e.state)
            if after is not None:  # a finally that always exits replaces the pending exit with its own
                exits.append(Exit(e.node, e.kind, after, e.raised, e.where))
        out.normal = normal
        out.breaks = join(out.breaks, breaks)
        out.continues = join(out.continues, continues)
        out.exc = join(out.exc, escaping)
        out.exits = exits + (out.exits or [])
        return out

    def _with(self, stmt: ast.With, state: State, ctx: Context) -> Flow:
        eff = self.effects(stmt)
        after = self.apply(state, eff)
        body = self.block(stmt.body, after, ctx)
        suppressed = _suppressed_names(stmt)
        if suppressed is None:
            body.exc = join(body.exc, state if eff.may_raise else None)
            return body
        # `with suppress(E):` is a try/except E: pass around its body.
        flow = Flow(normal=join(body.normal, body.exc), breaks=body.breaks, continues=body.continues,
                    exc=state if eff.may_raise else None)
        exits = []
        for e in body.exits or ():
            answer = self.catcher.catches(suppressed, e.raised) if e.kind == "raise" else catching.NO
            if answer != catching.NO:
                flow.normal = join(flow.normal, e.state)
            if answer != catching.YES:
                exits.append(e)
        flow.exits = exits
        return flow

    def _match(self, stmt: ast.Match, state: State, ctx: Context) -> Flow:
        eff = self.effects(stmt)
        subject = self.apply(state, eff)
        flow = Flow(exc=state if eff.may_raise else None)
        unmatched: State | None = subject
        for case in stmt.cases:
            if unmatched is None:
                break  # cases after an irrefutable one never run
            entry = subject
            if case.guard is not None:
                guard = self.reader.expression(case.guard)
                entry = self.apply(entry, guard)
                if guard.may_raise:
                    flow.exc = join(flow.exc, subject)
            label = situations.classify_case(case.pattern)
            body = self.block(case.body, entry, _where(ctx, label))
            flow.normal = join(flow.normal, _relabel(body.normal, label))
            flow.take(body)
            if case.guard is None and _irrefutable(case.pattern):
                unmatched = None
        flow.normal = join(flow.normal, unmatched)
        return flow

    _HANDLERS = {
        ast.Return: _return, ast.Raise: _raise, ast.Break: _break, ast.Continue: _continue, ast.If: _if,
        ast.While: _while, ast.For: _for, ast.AsyncFor: _for, ast.Try: _try, ast.With: _with,
        ast.AsyncWith: _with, ast.Match: _match,
    }
    if hasattr(ast, "TryStar"):
        _HANDLERS[ast.TryStar] = _try

    # -- effects -------------------------------------------------------------------------------------------------

    def effects(self, stmt: ast.stmt) -> Effects:
        eff = self.cache.get(id(stmt))
        if eff is None:
            eff = self.cache[id(stmt)] = self.reader.effects(stmt)
        return eff

    def apply(self, state: State, eff: Effects) -> State:
        if not eff.ops:
            return State(state.paths, True, state.maybe) if eff.writes and not state.wrote else state
        paths, maybe = state.paths, state.maybe
        for op in eff.ops:
            kind, arg = op
            if kind == "set":
                if arg == self.key:
                    paths, maybe = {label: TRUE for label in paths}, TRUE
            elif kind == "reset":
                if arg is None or arg == self.key:
                    paths, maybe = {label: FALSE for label in paths}, FALSE
            else:
                cond = condition.atom(arg) if kind == "call" else self.resolve_local(arg, self.key)
                if cond != FALSE:
                    paths = {label: condition.either(c, cond) for label, c in paths.items()}
                    maybe = condition.either(maybe, cond)
        return State(paths, state.wrote or eff.writes, maybe)


def _where(ctx: Context, label: str | None) -> Context:
    if label is None or label == ctx.where:
        return ctx
    return Context(where=label, reraise=ctx.reraise, caught_name=ctx.caught_name)


def _relabel(state: State | None, label: str | None) -> State | None:
    return state.relabel(label) if state is not None else None


def _constant_truth(test: ast.expr) -> bool | None:
    if isinstance(test, ast.Constant):
        return bool(test.value)
    return None


def _irrefutable(pattern: ast.pattern) -> bool:
    if isinstance(pattern, ast.MatchAs):
        return pattern.pattern is None or _irrefutable(pattern.pattern)
    if isinstance(pattern, ast.MatchOr):
        return any(_irrefutable(p) for p in pattern.patterns)
    return False


def _suppressed_names(stmt: ast.With) -> tuple[str, ...] | None:
    """Exception names of a `contextlib.suppress(...)` item, if the with statement has one."""
    for item in stmt.items:
        call = item.context_expr
        if isinstance(call, ast.Call) and catching.last_name(call.func) == "suppress":
            names = tuple(catching.last_name(a) or "?" for a in call.args)
            return names or ("?",)
    return None


def local_functions(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, ast.AST]:
    """Functions defined (once) inside `fn`, outside further nested functions and classes."""
    found: dict[str, list] = {}
    todo = list(fn.body)
    while todo:
        node = todo.pop()
        if isinstance(node, _FUNCTIONS):
            found.setdefault(node.name, []).append(node)
            continue
        if isinstance(node, ast.ClassDef):
            continue
        for field in ("body", "orelse", "finalbody", "handlers", "cases"):
            todo.extend(getattr(node, field, ()) or ())
    return {name: nodes[0] for name, nodes in found.items() if len(nodes) == 1}
