"""Every rule of the suites against its fixture, `tests/rules/<layer>__<name>.py` (see tests/rules/README.md).

Each breaking case changes the clean mini-warehouse (tests/minihouse.py), runs the rule's layer through Great
Expectations and asserts the rule's complete failing dates, the reason, that no other rule of the layer fails, and
that the direct engine (fill's per-date proof) agrees date by date. Each near miss must leave the layer passing.
A fixture's CHECKS are plain functions of the house, for what is not per date (aggregates, findings).
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
import re
from pathlib import Path
from types import ModuleType

import pytest

from nbadq.rules.project import load_project
from nbadq.validation import recheck_dates, run_checkpoint
from tests.rules.breakers import Case, entries

HERE = Path(__file__).resolve().parent
FIXTURE_FILE = re.compile(r"^(?P<layer>[a-z]+)__(?P<name>[a-z0-9_]+)\.py$")


def fixture_rules(directory: Path) -> list[str]:
    """Rule ids of the fixture files in `directory` (`raw__impossible_dates.py` -> `raw.impossible_dates`)."""
    found = (FIXTURE_FILE.match(p.name) for p in directory.glob("*.py"))
    return sorted(f"{m['layer']}.{m['name']}" for m in found if m)


def fixture_problems(rules: list[str], fixtures: list[str]) -> list[str]:
    missing = [f"{r}: no fixture (add tests/rules/{r.replace('.', '__')}.py)" for r in rules if r not in fixtures]
    stray = [f"{r}: a fixture for a rule the suites do not have" for r in fixtures if r not in rules]
    return missing + stray


LAYER = {e.rule: e.layer for e in load_project(Path(os.environ["NBADQ_PROJECT_ROOT"])).rules()}
FIXTURES: dict[str, ModuleType] = {
    rule: importlib.import_module(f"tests.rules.{rule.replace('.', '__')}")
    for rule in sorted(set(LAYER) & set(fixture_rules(HERE)))}


def _cases(kind: str) -> list:
    return [pytest.param(rule, case, id=f"{rule}:{case.id}")
            for rule, module in FIXTURES.items() for case in getattr(module, kind, [])]


CHECKS = [pytest.param(check, id=f"{rule}:{check.__name__}")
          for rule, module in FIXTURES.items() for check in getattr(module, "CHECKS", [])]


def test_every_suite_rule_has_a_fixture():
    problems = fixture_problems(sorted(LAYER), fixture_rules(HERE))
    assert not problems, "\n".join(problems)


def test_missing_and_stray_fixtures_are_named(tmp_path):
    for name in ("raw__gamebook_completeness.py", "raw__old_rule.py", "breakers.py", "__init__.py"):
        (tmp_path / name).write_text("")
    assert fixture_problems(["raw.gamebook_completeness", "raw.new_rule"], fixture_rules(tmp_path)) == [
        "raw.new_rule: no fixture (add tests/rules/raw__new_rule.py)",
        "raw.old_rule: a fixture for a rule the suites do not have"]


@pytest.mark.parametrize("rule", sorted(FIXTURES))
def test_fixture_is_well_formed(rule):
    module = FIXTURES[rule]
    breaks, near, checks = (getattr(module, k, []) for k in ("BREAKS", "NEAR_MISSES", "CHECKS"))
    assert breaks or checks, f"{rule}: nothing breaks it (BREAKS or CHECKS)"
    assert all(isinstance(c, Case) and c.dates == sorted(c.dates) and c.dates and c.reason for c in breaks), rule
    assert all(isinstance(c, Case) and not c.dates and not c.reason for c in near), rule
    ids = [c.id for c in breaks + near]
    assert len(ids) == len(set(ids)), rule


@pytest.mark.parametrize("rule,case", _cases("BREAKS"))
def test_rule_finds_exact_dates(house, rule, case):
    layer = LAYER[rule]
    case.breaker(house)
    doc = run_checkpoint(str(house.root), layer)
    dated = [e for e in entries(doc, rule)
             if e["failing_dates"] or e["expectation_type"] == "unexpected_rows_expectation"]
    assert [e["failing_dates"] for e in dated if e["failing_dates"]] == [case.dates]
    assert any(case.reason in e["reasons"].get(case.dates[0], "") for e in dated), [e["reasons"] for e in dated]
    assert doc["success"] is False
    # Only the broken rule fails in its layer (the defect does not leak into other rules' dates).
    others = {e["rule"]: e["failing_dates"] for e in doc["layers"][layer]["expectations"] if e["rule"] != rule}
    assert all(not v for v in others.values()), others
    # The direct engine (fill's per-date proof) agrees, date by date.
    days = [dt.date.fromisoformat(d) for d in case.dates]
    assert recheck_dates(str(house.root), [rule], days) == {rule: case.dates}


@pytest.mark.parametrize("rule,case", _cases("NEAR_MISSES"))
def test_near_miss_passes(house, rule, case):
    case.breaker(house)
    doc = run_checkpoint(str(house.root), LAYER[rule])
    assert all(e["success"] and not e["failing_dates"] for e in entries(doc, rule))
    assert doc["success"] is True


@pytest.mark.parametrize("check", CHECKS)
def test_rule_check(house, check):
    check(house)
