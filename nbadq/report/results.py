"""The validation results as the report, JUnit and Markdown see them: layers, each with its rules.

Severity decides what a failure means: an `error` rule that fails is *failing* (it fails its layer and the run);
a `warn` rule that fails is a *warning* (shown, with its dates, and never counted as failing).
Built from a checked validate document (documents.check_validate_doc). Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from nbadq.layers import LAYERS
from nbadq.report.formatting import observed_text


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
    severity: str = "error"
    not_applicable: str | None = None  # why a rule measured against the clock did not apply (neither pass nor fail)

    @property
    def failing(self) -> bool:
        """Failed, and its severity makes that fail the layer."""
        return not self.success and self.severity == "error"

    @property
    def warning(self) -> bool:
        """Failed, and is only reported (severity warn)."""
        return not self.success and self.severity != "error"

    @property
    def status(self) -> str:
        """pass, FAIL, WARN or N/A: the word every output prints for this rule."""
        if self.not_applicable:
            return "N/A"
        return "pass" if self.success else ("FAIL" if self.failing else "WARN")

    @property
    def rank(self) -> int:
        """Failing rules first, then warnings, then passes: the order tables list them in."""
        return 0 if self.failing else 1 if self.warning else 2

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
    warning_dates: tuple[dt.date, ...] = ()  # dates failing only warn rules of this layer

    @property
    def failing_rules(self) -> tuple[RuleResult, ...]:
        return tuple(r for r in self.rules if r.failing)

    @property
    def warning_rules(self) -> tuple[RuleResult, ...]:
        return tuple(r for r in self.rules if r.warning)

    @property
    def refillable(self) -> tuple[str, ...]:
        """The services `nbadq fill` would call for this layer's failing rules."""
        return tuple(sorted({r.remediation for r in self.failing_rules if r.remediation}))

    def reasons_on(self, day: dt.date, warnings: bool = False) -> list[str]:
        """'rule: reason' for every failing (or, with `warnings`, warning) rule on `day`, in rule order."""
        lines = []
        for r in self.rules:
            if day in r.failing_dates and (r.warning if warnings else r.failing):
                reason = r.reasons.get(day)
                lines.append(f"{r.rule}: {reason}" if reason else r.rule)
        return lines


def layer_results(validate_doc: dict) -> tuple[LayerResult, ...]:
    """Every layer of the document in data-flow order (unknown layer names last, alphabetically)."""
    layers = validate_doc["layers"]
    order = sorted(layers, key=lambda n: (LAYERS.index(n) if n in LAYERS else len(LAYERS), n))  # skipped: absent
    return tuple(_layer(name, layers[name]) for name in order)


def _layer(name: str, body: dict) -> LayerResult:
    expectations = body["expectations"]
    names = _unique_names(expectations)
    rules = tuple(_rule(name, i, exp, unique) for i, (exp, unique) in enumerate(zip(expectations, names)))
    # The layer's own lists are authoritative, but a date failing any rule must colour the calendar too.
    failing = {dt.date.fromisoformat(d) for d in body["failing_dates"]}
    warning = {dt.date.fromisoformat(d) for d in body["warning_dates"]}
    for r in rules:
        if r.failing:
            failing.update(r.failing_dates)
        elif r.warning:
            warning.update(r.failing_dates)
    return LayerResult(name=name, success=body["success"], failing_dates=tuple(sorted(failing)), rules=rules,
                       warning_dates=tuple(sorted(warning - failing)))


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
        severity=exp["severity"],
        not_applicable=exp.get("not_applicable"),
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
