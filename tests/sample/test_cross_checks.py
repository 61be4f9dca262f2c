"""The two independent cross-checks of the sample, the oracle (tests/sample/oracle.py) and the hand-written SQL
yardstick (bench/handwritten.py), answer for exactly the suites' dated rules: a suite rule either lacks is an error
naming it, never a rule silently left out of the comparison."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from nbadq.warehouse.local import open_connection
from tests.sample.oracle import _every_rule, for_rules, suite_date_rules

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import handwritten  # noqa: E402


def test_both_answer_for_every_dated_suite_rule(clean_template):
    rules = suite_date_rules()
    assert "precompute.coverage" not in rules and "raw.impossible_dates" not in rules  # aggregate, findings
    assert handwritten.suite_date_rules() == rules
    assert for_rules(rules, _every_rule(clean_template)) == {rule: [] for rule in rules}
    conn = open_connection(clean_template)
    try:
        assert handwritten.failing_dates(conn) == {}  # every branch ran, none found a date
    finally:
        conn.close()


def test_a_suite_rule_without_an_oracle_is_named():
    with pytest.raises(AssertionError) as caught:
        for_rules(["raw.new_rule", "raw.kept"], {"raw.kept": [], "raw.old_rule": []})
    assert str(caught.value) == ("tests/sample/oracle.py (_every_rule): no oracle for suite rules ['raw.new_rule']; "
                                 "an oracle for rules the suites do not have ['raw.old_rule']")
    with pytest.raises(AssertionError, match=r"^tests/sample/oracle.py \(_every_rule\): no oracle for suite rules "
                                             r"\['raw.new_rule'\]$"):
        for_rules(["raw.new_rule"], {})


def test_a_suite_rule_without_yardstick_sql_is_named():
    rules = list(handwritten.BRANCHES)
    with pytest.raises(LookupError) as caught:
        handwritten.statement([*rules[1:], "raw.new_rule"])
    assert str(caught.value) == (f"bench/handwritten.py (BRANCHES): no yardstick SQL for suite rules ['raw.new_rule']; "
                                 f"yardstick SQL for rules the suites do not have ['{rules[0]}']")
