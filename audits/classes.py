"""The classes of the scanned tree: resolving base names, telling processors apart, method lookup order.

A base written in a class statement is resolved by name, the way a reader would:
1. a class of that name defined at the top of the same file (or `Outer.Inner` there);
2. the class an import in that file names (`from pkg.raw.base import RawBase`, `from .base import RawBase`,
   `import pkg.raw.base as b` ... `b.RawBase`), found by matching the module path against the scanned files, and
   following one re-export (`from .base import RawBase` in a package `__init__`);
3. failing those, every class of that name in the tree (a layout that relies on sys.path tricks still resolves).

A class is a processor when one of its bases, followed through the tree, is named like a configured base.
"""

from __future__ import annotations

import os
from typing import Iterable

from nbadq.audits.summaries import ClassSummary, FileSummary

ClassId = tuple[str, str]  # (reported path, qualname)
_MODULE_SUFFIXES = 8  # how many trailing path components a module name may be matched on


class ClassIndex:
    def __init__(self, configured_bases: Iterable[str], rule_methods: Iterable[str] = ()):
        self.configured = frozenset(configured_bases)
        self.rule_methods = tuple(rule_methods)
        self.files: dict[str, FileSummary] = {}
        self.classes: dict[ClassId, ClassSummary] = {}
        self.by_name: dict[str, list[ClassId]] = {}
        self._by_abspath: dict[str, str] = {}
        self._modules: dict[str, list[str]] = {}
        self._resolved: dict[tuple[str, str], list[ClassId]] = {}
        self._processor: dict[ClassId, bool] = {}
        self._mro: dict[ClassId, list[ClassId]] = {}
        self.outlined = 0  # files whose classes were only outlined (their methods are unknown)

    def add(self, summary: FileSummary) -> None:
        """Add a file's classes; a file added again (outlined first, parsed later) replaces its classes."""
        path = summary.path
        previous = self.files.get(path)
        self.files[path] = summary
        self.outlined += int(summary.outline) - int(previous is not None and previous.outline)
        if previous is not None:
            for cls in previous.classes:
                del self.classes[(path, cls.qualname)]
                self.by_name[cls.name].remove((path, cls.qualname))
        else:
            absolute = os.path.abspath(path)
            self._by_abspath[absolute] = path
            parts = absolute[:-3].split(os.sep) if absolute.endswith(".py") else absolute.split(os.sep)
            if parts and parts[-1] == "__init__":
                parts = parts[:-1]
            for i in range(max(1, len(parts) - _MODULE_SUFFIXES), len(parts)):
                self._modules.setdefault(".".join(parts[i:]), []).append(path)
        for cls in summary.classes:
            cid = (path, cls.qualname)
            self.classes[cid] = cls
            self.by_name.setdefault(cls.name, []).append(cid)
        # New classes can change earlier answers.
        self._resolved.clear()
        self._processor.clear()
        self._mro.clear()

    # -- resolution ----------------------------------------------------------------------------------------------

    def resolve(self, path: str, dotted: str) -> list[ClassId]:
        """The classes a base or callee name written in `path` refers to (several only when it is ambiguous)."""
        key = (path, dotted)
        found = self._resolved.get(key)
        if found is None:
            found = self._resolved[key] = self._resolve(path, dotted, depth=0)
        return found

    def base_candidates(self, cid: ClassId, base: str) -> list[ClassId]:
        """What a base of `cid` refers to. `class Processor(Processor)` names the imported class, not itself."""
        found = self.resolve(cid[0], base)
        if cid in found:
            found = [c for c in self._resolve(cid[0], base, depth=0, same_file=False) if c != cid]
        return found

    def _resolve(self, path: str, dotted: str, depth: int, same_file: bool = True) -> list[ClassId]:
        parts = dotted.split(".")
        if same_file and (path, dotted) in self.classes:
            return [(path, dotted)]
        target = self._import_of(path, dotted) if depth < 3 else None
        if target is not None:
            found = self._in_module(path, *target, depth)
            if found:
                return found
        return sorted(self.by_name.get(parts[-1], ()))

    def _import_of(self, path: str, dotted: str) -> tuple[str, int, str] | None:
        """(module, level, class name) that an import of `path` makes `dotted` refer to, if one does."""
        parts = dotted.split(".")
        summary = self.files.get(path)
        imported = summary.imports.get(parts[0]) if summary else None
        if imported is None:
            return None
        if imported.name is None:  # import pkg.mod [as m]; m.Class
            module, rest = imported.module, parts[1:]
        elif len(parts) == 1:  # from pkg.mod import Class [as C]
            module, rest = imported.module, [imported.name]
        else:  # from pkg import mod; mod.Class
            module, rest = _join(imported.module, imported.name), parts[1:]
        if not rest:
            return None
        return _join(module, ".".join(rest[:-1])), imported.level, rest[-1]

    def import_files(self, path: str, dotted: str, roots: tuple[str, ...]) -> list[str]:
        """Files on disk the import behind `dotted` may name, looked for beside `path` and in its parent folders
        up to the project (the working directory, the configuration's folder, or a folder holding pyproject.toml
        or .git): a pre-commit run passes only the changed files, yet their bases must resolve."""
        target = self._import_of(path, dotted)
        if target is None:
            return []
        module, level, _ = target
        here = os.path.dirname(os.path.abspath(path))
        if level:
            for _ in range(level - 1):
                here = os.path.dirname(here)
            folders = [here]
        else:
            folders = [here]
            while not _is_project_root(here, roots) and os.path.dirname(here) != here and len(folders) < 12:
                here = os.path.dirname(here)
                folders.append(here)
        relative = os.path.join(*module.split(".")) if module else ""
        found = []
        for folder in folders:
            stem = os.path.join(folder, relative) if relative else folder
            for candidate in (stem + ".py", os.path.join(stem, "__init__.py")):
                if os.path.isfile(candidate):
                    found.append(candidate)
        return found

    def _in_module(self, path: str, module: str, level: int, name: str, depth: int) -> list[ClassId]:
        found = []
        for target in self._module_files(path, module, level):
            if (target, name) in self.classes:
                found.append((target, name))
            elif name in self.files[target].imports:  # re-exported, e.g. by a package __init__
                found.extend(self._resolve(target, name, depth + 1))
        return sorted(set(found))

    def _module_files(self, path: str, module: str, level: int) -> list[str]:
        if level == 0:
            return self._modules.get(module, [])
        base = os.path.dirname(os.path.abspath(path))
        for _ in range(level - 1):
            base = os.path.dirname(base)
        stem = os.path.join(base, *module.split(".")) if module else base
        return [self._by_abspath[p] for p in (stem + ".py", os.path.join(stem, "__init__.py"))
                if p in self._by_abspath]

    def bases_of(self, cid: ClassId) -> list[ClassId]:
        """Resolved bases in order, the first candidate of each (for lookup order)."""
        out = []
        for base in self.classes[cid].bases:
            if base is not None:
                candidates = self.base_candidates(cid, base)
                if candidates:
                    out.append(candidates[0])
        return out

    # -- processors ----------------------------------------------------------------------------------------------

    def is_configured_base(self, cid: ClassId) -> bool:
        return self.classes[cid].name in self.configured

    def is_processor(self, cid: ClassId, _seen: frozenset = frozenset()) -> bool:
        """Some base, followed by name through the tree, is a configured base."""
        known = self._processor.get(cid)
        if known is not None:
            return known
        if cid in _seen:
            return False
        result = False
        for base in self.classes[cid].bases:
            if base is None:
                continue
            if base.rsplit(".", 1)[-1] in self.configured:
                result = True
                break
            candidates = self.base_candidates(cid, base)
            if any(self.is_configured_base(c) or self.is_processor(c, _seen | {cid}) for c in candidates):
                result = True
                break
        if not _seen:  # only whole answers are remembered, not ones cut short by a cycle
            self._processor[cid] = result
        return result

    def unresolved_bases(self, cid: ClassId) -> list[str]:
        """Base names that neither name a configured base nor resolve to a scanned class."""
        out = []
        for base in self.classes[cid].bases:
            if base is not None and base.rsplit(".", 1)[-1] not in self.configured:
                if not self.base_candidates(cid, base):
                    out.append(base.rsplit(".", 1)[-1])
        return out

    # -- method lookup -------------------------------------------------------------------------------------------

    def mro(self, cid: ClassId) -> list[ClassId]:
        """C3 linearisation over the scanned classes (bases outside the tree are skipped)."""
        found = self._mro.get(cid)
        if found is None:
            self._mro[cid] = [cid]  # a cycle of base names resolves to the class alone
            found = self._mro[cid] = _c3(cid, [self.mro(b) for b in self.bases_of(cid)], self.bases_of(cid))
        return found

    def lookup(self, cid: ClassId, method: str, after: ClassId | None = None) -> ClassId | None:
        """The class whose `method` runs for an instance of `cid` (for super(): searching after `after`)."""
        order = self.mro(cid)
        if after is not None:
            order = order[order.index(after) + 1:] if after in order else []
        for candidate in order:
            if method in self.classes[candidate].methods:
                return candidate
        return None


def _c3(cid: ClassId, base_mros: list[list[ClassId]], bases: list[ClassId]) -> list[ClassId]:
    sequences = [list(s) for s in base_mros] + [list(bases)]
    out = [cid]
    while True:
        sequences = [s for s in sequences if s]
        if not sequences:
            return out
        for seq in sequences:
            head = seq[0]
            if not any(head in s[1:] for s in sequences):
                break
        else:
            # Inconsistent order (Python would refuse the class): fall back to depth-first, first seen wins.
            rest = [c for s in base_mros for c in s]
            return out + [c for i, c in enumerate(rest) if c not in rest[:i] and c not in out]
        out.append(head)
        for s in sequences:
            if s and s[0] == head:
                del s[0]


def _is_project_root(folder: str, roots: tuple[str, ...]) -> bool:
    return folder in roots or any(os.path.exists(os.path.join(folder, marker)) for marker in ("pyproject.toml", ".git"))


def _join(*parts: str) -> str:
    return ".".join(p for p in parts if p)
