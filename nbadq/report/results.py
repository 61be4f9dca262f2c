"""The validation results as the report, JUnit and Markdown see them: layers, each with its rules.

Built from a checked validate document (documents.check_validate_doc). Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from nbadq.report.formatting import observed_text

# Layers in the order data flows through them; a layer the checkpoint skipped is simply absent.
LAYER_ORDER = ("raw", "analytics", "precompute", "predictions", "grading", "reference")


@dataclass(frozen=True)
class RuleResult:
    layer: str
    position: int  # index among the layer's expectations: the anchor the page links to
    rule: str
    name: str  # unique within the layer: the rule id, plus the expectation type when the id repeats
    expectation_type: str
    success: bool
    observed: str  # formatted for people
    threshold: str | None
    description: str
    remediation: str | None
    failing_dates: tuple[dt.date, ...]
    reasons: dict[dt.date, str] = field(default_factory=dict)

    @property
    def anchor(self) -> str:
        return f"rule-{self.layer}-{self.position}"

    @property
    def aggregate_failure(self) -> bool:
        """Failed as a whole (e.g. coverage below its threshold) without naming any date."""
        return not self.success and not self.failing_dates


@dataclass(frozen=True)
class LayerResult:
    name: str
    success: bool
    failing_dates: tuple[dt.date, ...]
    rules: tuple[RuleResult, ...]

    @property
    def failing_rules(self) -> tuple[RuleResult, ...]:
        return tuple(r for r in self.rules if not r.success)

    @property
    def refillable(self) -> tuple[str, ...]:
        """The services `nbadq fill` would call for this layer's failing rules."""
        return tuple(sorted({r.remediation for r in self.failing_rules if r.remediation}))

    def reasons_on(self, day: dt.date) -> list[str]:
        """'rule: reason' for every rule that fails on `day`, in rule order."""
        lines = []
        for r in self.rules:
            if day in r.failing_dates:
                reason = r.reasons.get(day)
                lines.append(f"{r.rule}: {reason}" if reason else r.rule)
        return lines


def layer_results(validate_doc: dict) -> tuple[LayerResult, ...]:
    """Every layer of the document in data-flow order (unknown layer names last, alphabetically)."""
    layers = validate_doc["layers"]
    order = sorted(layers, key=lambda n: (LAYER_ORDER.index(n) if n in LAYER_ORDER else len(LAYER_ORDER), n))
    return tuple(_layer(name, layers[name]) for name in order)


def _layer(name: str, body: dict) -> LayerResult:
    expectations = body["expectations"]
    names = _unique_names(expectations)
    rules = tuple(_rule(name, i, exp, unique) for i, (exp, unique) in enumerate(zip(expectations, names)))
    # The layer's own list is authoritative, but a date failing any rule must colour the calendar too.
    failing = {dt.date.fromisoformat(d) for d in body["failing_dates"]}
    for r in rules:
        failing.update(r.failing_dates)
    return LayerResult(name=name, success=body["success"], failing_dates=tuple(sorted(failing)), rules=rules)


def _rule(layer: str, position: int, exp: dict, name: str) -> RuleResult:
    reasons = {dt.date.fromisoformat(d): str(text) for d, text in (exp.get("reasons") or {}).items()}
    return RuleResult(
        layer=layer,
        position=position,
        rule=exp["rule"],
        name=name,
        expectation_type=exp.get("expectation_type") or "",
        success=exp["success"],
        observed=observed_text(exp.get("observed_value"), exp.get("observed_unit")),
        threshold=exp.get("threshold"),
        description=exp.get("description") or "",
        remediation=exp.get("remediation"),
        failing_dates=tuple(sorted(dt.date.fromisoformat(d) for d in exp.get("failing_dates", []))),
        reasons=reasons,
    )


def _unique_names(expectations: list[dict]) -> list[str]:
    """Rule ids, disambiguated where one id covers several expectations (analytics.minutes_null_rate).

    JUnit needs a unique test name per case: first the expectation type is added, then a counter if even
    that repeats.
    """
    ids = Counter(e["rule"] for e in expectations)
    names = [e["rule"] if ids[e["rule"]] == 1 else f"{e['rule']} [{e.get('expectation_type') or '?'}]"
             for e in expectations]
    seen: Counter[str] = Counter()
    totals = Counter(names)
    unique = []
    for n in names:
        seen[n] += 1
        unique.append(n if totals[n] == 1 else f"{n} #{seen[n]}")
    return unique
