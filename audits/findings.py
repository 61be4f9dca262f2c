"""The audit's result, independent of any output format."""

from __future__ import annotations

from dataclasses import dataclass

from nbadq.audits.summaries import ParseError, Suppression

RULE_ID = "NBQ001"
RULE_NAME = "rows-stat"
PARSE_RULE_ID = "NBQ999"

MISSING_ALL = "missing_all"  # set on no exit: every exit of the method can be reached without the key
MISSING_SOME = "missing_some_paths"  # set on some exits, not on others
OK = "ok"

KIND_PHRASE = {"return": "on this return", "raise": "on this raise", "fallthrough": "when it falls off the end"}


@dataclass(frozen=True)
class UnsetExit:
    line: int
    column: int
    kind: str  # return | raise | fallthrough
    situation: str | None  # empty data | skipped write | validation failure | error handler | success | None


@dataclass(frozen=True)
class AuditedMethod:
    """One (class, method, key) the rules apply to."""

    path: str
    class_name: str  # qualified within the module: Outer.Inner
    class_line: int
    method: str
    key: str
    line: int  # the def line
    column: int
    is_async: bool
    exits: int  # how many exits the method has
    ever_set: bool  # some path to some exit sets the key
    unset: tuple[UnsetExit, ...]
    suppression: Suppression | None

    @property
    def verdict(self) -> str:
        if not self.unset:
            return OK
        return MISSING_ALL if len(self.unset) == self.exits else MISSING_SOME

    @property
    def suppressed(self) -> bool:
        return self.suppression is not None


@dataclass(frozen=True)
class Inheritor:
    """A processor that overrides none of the audited methods: it runs an implementation from a base."""

    path: str
    class_name: str
    line: int
    inherits: tuple[tuple[str, str, str], ...]  # (method, defining class, its path) for scanned implementations


@dataclass(frozen=True)
class Finding:
    method: AuditedMethod
    exit: UnsetExit

    def message(self) -> str:
        m, e = self.method, self.exit
        text = f'{m.class_name}.{m.method} leaves self.stats["{m.key}"] unset {KIND_PHRASE[e.kind]}'
        return f"{text} ({e.situation})" if e.situation else text


@dataclass(frozen=True)
class AuditReport:
    files_scanned: int
    files_parsed: int
    methods: tuple[AuditedMethod, ...]
    inheriting: tuple[Inheritor, ...]
    errors: tuple[ParseError, ...]

    @property
    def findings(self) -> list[Finding]:
        """Unset exits of methods that are not suppressed, in file and line order."""
        found = [Finding(m, e) for m in self.methods if not m.suppressed for e in m.unset]
        return sorted(found, key=lambda f: (f.method.path, f.exit.line, f.exit.column, f.method.class_name,
                                            f.method.method, f.method.key))

    @property
    def failing(self) -> list[AuditedMethod]:
        return [m for m in self.methods if m.unset and not m.suppressed]

    @property
    def suppressed(self) -> list[AuditedMethod]:
        return [m for m in self.methods if m.suppressed]

    @property
    def unreadable(self) -> list[ParseError]:
        """Files and folders that could not be read at all (listed among the errors)."""
        return [e for e in self.errors if e.unreadable]

    @property
    def exit_code(self) -> int:
        """1 when anything is found: an unset exit or a file that could not be audited."""
        return 1 if self.failing or self.errors else 0
