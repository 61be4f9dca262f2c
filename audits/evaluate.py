"""Decide the calls the per-file analysis left open, now that every class of the tree is known.

An atom is true when the call certainly sets the key:
- `self.m(...)`: the `m` an instance of the audited class runs (its own, or a base's in the tree) sets the key on
  all of its normal returns. A method that only ever raises has no normal return and so counts as setting it: code
  after such a call never runs.
- `super().m(...)`, `Base.m(self, ...)` where `m` is an audited method of that key: true, because that
  implementation is either a configured base's (trusted: the platform's base class sets the stat), one outside
  the tree, or another processor's override, which is audited on its own and reported there. Only when it resolves
  to a scanned class that is not a processor (a mixin) is its body checked instead, like a helper.
- any other `super().m()` / `Base.m(self)`: like a helper.
Recursion is cut by assuming "not set" for a method already being decided (the cautious answer).
"""

from __future__ import annotations

from nbadq.audits import condition
from nbadq.audits.classes import ClassId, ClassIndex
from nbadq.audits.condition import Cond


class Evaluator:
    def __init__(self, index: ClassIndex, rules: dict[str, tuple[str, ...]], on_demand=None):
        self.index = index
        self.rules = rules
        # (class id, method, key) -> KeyFlow | None, for methods the first pass did not analyse for that key
        self.on_demand = on_demand
        self._memo: dict[tuple, bool] = {}
        self._extra: dict[tuple, object] = {}

    def holds(self, context: ClassId, owner: ClassId, cond: Cond, key: str) -> bool:
        """Is `cond`, found in a method of `owner`, true for an instance of `context`?"""
        if cond == condition.TRUE:
            return True
        if cond == condition.FALSE:
            return False
        return condition.holds(cond, lambda atom: self._atom(context, owner, atom, key))

    def _atom(self, context: ClassId, owner: ClassId, atom: tuple, key: str) -> bool:
        kind = atom[0]
        index = self.index
        if kind == "self":
            target = index.lookup(context, atom[1])
            return target is not None and self._sets(context, target, atom[1], key)
        if kind == "super":
            _, explicit, method = atom
            start = owner
            if explicit is not None:
                named = index.resolve(owner[0], explicit)
                start = named[0] if named else owner
            target = index.lookup(context, method, after=start)
            return self._delegated(context, target, method, key, trusted_if_missing=True)
        if kind == "cls":
            _, dotted, method = atom
            named = index.resolve(owner[0], dotted)
            if not named:
                # A class outside the tree: trusted only if it is one of the configured bases.
                return self._audits(method, key) and dotted.rsplit(".", 1)[-1] in index.configured
            start = named[0]
            target = index.lookup(start, method)
            missing_ok = index.is_configured_base(start) or index.is_processor(start)
            return self._delegated(context, target, method, key, trusted_if_missing=missing_ok)
        return False

    def _delegated(self, context: ClassId, target: ClassId | None, method: str, key: str,
                   trusted_if_missing: bool) -> bool:
        if self._audits(method, key):
            if target is None:
                return trusted_if_missing  # the implementation lives outside the scanned tree
            if self.index.is_configured_base(target) or self.index.is_processor(target):
                return True
        if target is None:
            return False
        return self._sets(context, target, method, key)

    def _sets(self, context: ClassId, target: ClassId, method: str, key: str) -> bool:
        memo_key = (context, target, method, key)
        known = self._memo.get(memo_key)
        if known is not None:
            return known
        self._memo[memo_key] = False  # recursion: assume not set until decided
        flow = self._flow(target, method, key)
        result = flow is not None and self.holds(context, target, flow.returns, key)
        self._memo[memo_key] = result
        return result

    def _flow(self, target: ClassId, method: str, key: str):
        flow = self.index.classes[target].methods[method].flows.get(key)
        if flow is None and self.on_demand is not None:
            memo_key = (target, method, key)
            if memo_key not in self._extra:
                self._extra[memo_key] = self.on_demand(target, method, key)
            flow = self._extra[memo_key]
        return flow

    def _audits(self, method: str, key: str) -> bool:
        return key in self.rules.get(method, ())
