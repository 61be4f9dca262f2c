"""What a worker learns about one file: small picklable records, no AST (ASTs are slow to send between processes).

NamedTuples rather than dataclasses: a run sends thousands of these from the workers, and tuples unpickle several
times faster (slotted dataclasses go through copyreg and __setstate__ for every object).

Conditions inside (`Cond`, see audits/condition.py) may still mention calls to methods defined in other files; the
main process decides them once it has seen every class (audits/evaluate.py).
"""

from __future__ import annotations

from typing import NamedTuple

from nbadq.audits.condition import Cond


class ExitSummary(NamedTuple):
    line: int
    column: int  # 1-based, in characters
    kind: str  # return | raise | fallthrough
    where: str | None  # situation of the labelled branch the exit sits in
    paths: tuple[tuple[str | None, Cond], ...]  # per path label: when the key is set on those paths
    wrote: bool  # a write call certainly ran before the exit
    maybe: Cond  # the key is set on at least one path to the exit


class KeyFlow(NamedTuple):
    returns: Cond  # the key is set on every normal return (what a caller of this method can rely on)
    exits: tuple[ExitSummary, ...] = ()  # every exit, for the methods the rules name


class Suppression(NamedTuple):
    line: int
    reason: str


class MethodSummary(NamedTuple):
    name: str
    line: int
    column: int
    end_line: int
    is_async: bool
    suppression: Suppression | None
    flows: dict  # key -> KeyFlow


class ClassSummary(NamedTuple):
    qualname: str  # Outer.Inner for nested classes
    name: str
    line: int
    column: int
    bases: tuple[str | None, ...]  # dotted names as written; None for an expression that is not a name
    methods: dict  # name -> MethodSummary


class ImportedName(NamedTuple):
    module: str  # as written, without the leading dots
    name: str | None  # None for `import module [as alias]`
    level: int  # number of leading dots of a relative import


class ParseError(NamedTuple):
    path: str
    line: int
    column: int
    message: str
    # Not read at all (permissions, a vanished file): the audit could not complete, exit 2 unless the run was told
    # to list such items and go on (--skip-unreadable). A file that reads but does not parse is a finding (exit 1).
    unreadable: bool = False

    @property
    def why_not_audited(self) -> str:
        what = "cannot read it" if self.unreadable else "cannot parse this file"
        return f"{what}, so it was not audited: {self.message}"


class FileSummary(NamedTuple):
    path: str  # as reported (relative to the working directory when under it)
    parsed: bool
    classes: tuple[ClassSummary, ...] = ()
    imports: dict = {}  # alias -> ImportedName (never mutated)
    # Files without any audited method name are not parsed at first; their `class Name(bases)` headers, read from
    # the text, tell whether a later round must parse them after all (an intermediate base class, an inheritor).
    headers: tuple[tuple[str, frozenset], ...] = ()
    error: ParseError | None = None
    outline: bool = False  # only class headers and imports were read (audits/outline.py): methods are unknown
