"""Which skipped files the answer depends on, read in rounds until nothing more is needed.

The first pass parses only the files that mention an audited method. The answer can still depend on others:
- a file defining a base class not found yet (an intermediate base without any audited method): parsed;
- a file subclassing a processor: outlined (class headers and imports only), to list it as inheriting;
- an outlined file whose class turns out to be a base of an audited class: parsed after all, since the audited
  class may call its helpers;
- a file outside the given paths that an import of a scanned class names (a pre-commit hook passes only the
  changed files): parsed for context, never reported on.
Headers read from text only choose files; `ast` decides what they hold.
"""

from __future__ import annotations

from pathlib import Path

from nbadq.audits.classes import ClassIndex
from nbadq.audits.discovery import Ignore, display_path, ignored_file
from nbadq.audits.parallel import summarize_all
from nbadq.audits.summarize import FULL, OUTLINE, Job

_SMALL_RUN = 200  # below this many files a run is a hook passing a few files, not a whole tree


def add_summaries(summaries, index: ClassIndex, errors: list, unparsed: dict) -> None:
    for summary in summaries:
        if summary.error is not None:
            errors.append(summary.error)
        elif summary.parsed:
            index.add(summary)
        else:
            unparsed[summary.path] = summary


class FollowedImports:
    """Files outside the given paths that an import of a scanned class names, read once each."""

    MAX_ROUNDS = 8  # each round follows one more level of imports; bases are rarely deeper than this

    def __init__(self, ignore: Ignore, roots: tuple[str, ...]):
        self.ignore = ignore
        self.roots = roots
        self.seen: set[str] = set()
        self.rounds = 0

    def new_files(self, index: ClassIndex) -> list[str]:
        self.rounds += 1
        if self.rounds > self.MAX_ROUNDS:
            return []
        found = []
        for cid, cls in index.classes.items():
            for base in cls.bases:
                if base is None or base.rsplit(".", 1)[-1] in index.configured or index.base_candidates(cid, base):
                    continue
                for candidate in index.import_files(cid[0], base, self.roots):
                    path = display_path(candidate)
                    if path not in self.seen and path not in index.files and not self._ignored(candidate):
                        self.seen.add(path)
                        found.append(path)
        return sorted(found)

    def _ignored(self, path: str) -> bool:
        return ignored_file(Path(path), self.ignore)


def complete(index: ClassIndex, job: Job, jobs: int | None, errors: list, unparsed: dict,
             followed: FollowedImports) -> None:
    """Read what the answer depends on (see the module docstring) until a round finds nothing new."""
    while True:
        wanted = {name for cid in index.classes for name in index.unresolved_bases(cid)}
        processors = set(index.configured) | {index.classes[c].name for c in index.classes
                                              if index.is_processor(c) or index.is_configured_base(c)}
        parse, outline = [], []
        # A small run (a pre-commit hook passing a few files) outlines every class with bases: their base may be
        # a processor in a file outside the run, found by following imports. A whole tree has its bases inside.
        small = len(index.files) + len(unparsed) < _SMALL_RUN
        for path, summary in unparsed.items():
            if any(name in wanted for name, _ in summary.headers):
                parse.append(path)
            elif any(bases & processors or (small and bases) for _, bases in summary.headers):
                outline.append(path)
        if index.outlined:
            parse += sorted({base[0] for cid in _audited(index) for base in index.mro(cid)
                             if index.files[base[0]].outline})
        if not parse and not outline:
            # Last, since it stats files: bases still unknown may live outside the given paths.
            parse = [p for p in followed.new_files(index) if p not in unparsed]
            if not parse:
                return
        for path in parse + outline:
            unparsed.pop(path, None)
        add_summaries(summarize_all(parse, job, mode=FULL, jobs=jobs), index, errors, unparsed)
        add_summaries(summarize_all(outline, job, mode=OUTLINE, jobs=jobs), index, errors, unparsed)


def _audited(index: ClassIndex):
    rules = set(index.rule_methods)
    for cid, cls in index.classes.items():
        if rules.intersection(cls.methods) and not index.is_configured_base(cid) and index.is_processor(cid):
            yield cid
