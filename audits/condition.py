"""When is the stat set on a path: a monotone boolean formula over calls whose effect is decided later.

A file is analysed alone (in a worker process), but whether `self._write(rows)` or `super().save_data()` sets the
key depends on classes that may live in other files. So the analysis keeps such calls as *atoms* and the state of a
path is a formula in conjunctive normal form: a frozenset of clauses, each a frozenset of atoms (an OR), all of
which must hold (an AND).

- TRUE (no clause): set for sure, e.g. after `self.stats["rows_inserted"] = n`.
- FALSE (one empty clause): not set.
- after a call to `self._write()` on a path whose state is S: S OR atom.
- where paths meet: S1 AND S2 (the key counts as set only if it is set on every way of reaching the point).

Atoms are hashable tuples, see audits/setters.py.
"""

from __future__ import annotations

from typing import Callable, Hashable

Atom = Hashable
Clause = frozenset
Cond = frozenset

TRUE: Cond = frozenset()
FALSE: Cond = frozenset({frozenset()})
# Formulas this large only come from pathological code; giving up means "not known to be set", the cautious answer.
_MAX_CLAUSES = 64


def atom(value: Atom) -> Cond:
    return frozenset({frozenset({value})})


def both(a: Cond, b: Cond) -> Cond:
    """a AND b."""
    if a == b or b == TRUE:
        return a
    if a == TRUE:
        return b
    if a == FALSE or b == FALSE:
        return FALSE
    return _simplify(a | b)


def either(a: Cond, b: Cond) -> Cond:
    """a OR b, distributed back into clauses."""
    if a == TRUE or b == TRUE:
        return TRUE
    if a == FALSE:
        return b
    if b == FALSE or a == b:
        return a
    return _simplify(frozenset(x | y for x in a for y in b))


def holds(cond: Cond, truth: Callable[[Atom], bool]) -> bool:
    return all(any(truth(a) for a in clause) for clause in cond)


def _simplify(clauses: frozenset) -> Cond:
    """Drop clauses implied by a smaller one (absorption), so equal formulas compare equal."""
    if frozenset() in clauses:
        return FALSE
    if len(clauses) > 1:
        ordered = sorted(clauses, key=len)
        kept: list[frozenset] = []
        for clause in ordered:
            if not any(k <= clause for k in kept):
                kept.append(clause)
        clauses = frozenset(kept)
    return FALSE if len(clauses) > _MAX_CLAUSES else clauses
