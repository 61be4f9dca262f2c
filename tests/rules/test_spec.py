"""The rule spec (nbadq/rules/spec.py) is checked when the project loads: a bad `meta` stops the run with exit 2,
one line naming the suite file and the expectation, before any warehouse is read or anything is written."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.hostile.harness import assert_one_line_error, run_nbadq, tree_hash
from tests.rules.project_copy import edit_meta as _edit_meta, project_copy as _project_copy


CASES = [
    ("misspelt-key", "analytics", "analytics.completeness",
     lambda m: m.update(remediaton=m.pop("remediation")), ["analytics.json", "analytics.completeness",
                                                            "meta.remediaton: unknown key"]),
    ("unknown-remediation-layer", "precompute", "precompute.completeness",
     lambda m: m.update(remediation="phase4"), ["precompute.json", "precompute.completeness", "meta.remediation",
                                                "analytics, precompute, predictions, grading"]),
    ("unknown-severity", "grading", "grading.duplicate_keys",
     lambda m: m.update(severity="critical"), ["grading.json", "meta.severity"]),
    ("rule-of-another-layer", "raw", "raw.gamebook_completeness",
     lambda m: m.update(rule="analytics.gamebook_completeness"), ["raw.json", "belongs to another layer"]),
    ("missing-description", "predictions", "predictions.completeness",
     lambda m: m.pop("description"), ["predictions.json", "meta.description: Field required"]),
]


@pytest.mark.parametrize("suite,rule,change,needles", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_meta_is_exit_2_naming_suite_and_expectation(tmp_path, clean_template, suite, rule, change, needles):
    project = _project_copy(tmp_path)
    _edit_meta(project, suite, rule, change)
    before = tree_hash(project, clean_template)
    result = run_nbadq(["validate", "--warehouse", clean_template, "--checkpoint", suite],
                       env={"NBADQ_PROJECT_ROOT": str(project)})
    assert_one_line_error(result, *needles)
    assert tree_hash(project, clean_template) == before


def test_fill_refuses_a_bad_remediation_instead_of_dropping_the_rule(tmp_path, clean_template):
    project = _project_copy(tmp_path)
    _edit_meta(project, "analytics", "analytics.completeness", lambda m: m.update(remediation="analytic"))
    result = run_nbadq(["fill", "--warehouse", clean_template, "--dry-run"], env={"NBADQ_PROJECT_ROOT": str(project)},
                       cwd=tmp_path)
    assert_one_line_error(result, "analytics.json", "meta.remediation", "'analytic'")


def test_every_committed_suite_loads_with_a_severity(tmp_path):
    from nbadq.rules.project import load_project

    project = load_project(Path(os.environ["NBADQ_PROJECT_ROOT"]))
    severities = {e.rule: e.severity for e in project.rules()}
    assert len(severities) >= 13
    assert set(severities.values()) <= {"error", "warn"}
