"""The corpus: one small file per pattern, each with its exact expected findings written beside the code.

One audit of the whole corpus (as a user would run it), compared file by file with the markers described in
corpus/README.md: every unset exit with its line, column, kind and situation; every audited method with its verdict;
the inheriting processors; the suppressed methods; the file that does not parse.
"""

from __future__ import annotations

import json
import os
import re

import pytest

from nbadq.cli.main import main
from tests.audit.conftest import CORPUS

EXPECT = re.compile(r"#\s*expect:\s*(return|raise|fallthrough)(?:\s*\(([^)]*)\))?\s*$")
VERDICT = re.compile(r"^#\s*verdict:\s*([\w.]+)\.(\w+)(?:\[(\w+)\])?\s*=\s*(\w+)\s*$")
INHERITING = re.compile(r"^#\s*inheriting:\s*([\w.]+)\s*$")
SUPPRESSED = re.compile(r"^#\s*suppressed:\s*([\w.]+)\.(\w+)\s*$")
ERROR = re.compile(r"^#\s*error:\s*(\d+)\s*$")
DEFAULT_KEYS = {"save_data": "rows_inserted", "save_analytics": "rows_processed", "save_precompute": "rows_processed"}
FILES = sorted(p.name for p in CORPUS.glob("*.py"))


def expected(name: str) -> dict:
    exits, verdicts, inheriting, suppressed, errors = set(), {}, set(), set(), set()
    for number, line in enumerate((CORPUS / name).read_text().splitlines(), 1):
        if m := EXPECT.search(line):
            column = len(line) - len(line.lstrip()) + 1
            exits.add((number, column, m.group(1), m.group(2)))
        elif m := VERDICT.match(line):
            cls, method, key, verdict = m.groups()
            verdicts[(cls, method, key or DEFAULT_KEYS[method])] = verdict
        elif m := INHERITING.match(line):
            inheriting.add(m.group(1))
        elif m := SUPPRESSED.match(line):
            suppressed.add(m.groups())
        elif m := ERROR.match(line):
            errors.add(int(m.group(1)))
    return {"exits": exits, "verdicts": verdicts, "inheriting": inheriting, "suppressed": suppressed,
            "errors": errors}


def actual(doc: dict, name: str) -> dict:
    path = f"corpus/{name}"
    classes = [c for c in doc["classes"] if c["path"] == path]
    return {
        "exits": {(e["line"], e["column"], e["kind"], e["situation"]) for c in classes for e in c["unset_exits"]},
        "verdicts": {(c["class"], c["method"], c["key"]): c["verdict"] for c in classes},
        "inheriting": {i["class"] for i in doc["inheriting"] if i["path"] == path},
        "suppressed": {(c["class"], c["method"]) for c in classes if c["suppressed"]},
        "errors": {e["line"] for e in doc["errors"] if e["path"] == path},
    }


@pytest.fixture(scope="module")
def corpus_doc(tmp_path_factory):
    """`nbadq audit corpus --format json` run from tests/audit, so paths read corpus/<file>."""
    report = tmp_path_factory.mktemp("corpus") / "corpus.json"
    cwd = os.getcwd()
    os.chdir(CORPUS.parent)
    try:
        code = main(["audit", "corpus", "--format", "json", "--output", str(report)])
    finally:
        os.chdir(cwd)
    return code, json.loads(report.read_text())


def test_corpus_has_every_pattern_of_the_issue():
    assert FILES == sorted([
        "analytics_precompute.py", "async_override.py", "augmented_assign.py", "broken_syntax.py",
        "decoy_mentions.py", "early_return_empty.py", "except_reraise.py", "except_swallow.py",
        "helper_all_returns.py", "helper_some_returns.py", "idempotency_skip.py", "inheritance_chain.py",
        "inherits_only.py", "load_errors_return.py", "loops_break_else.py", "match_statement.py",
        "nested_functions.py", "raw_base.py", "stats_update.py", "super_delegation.py", "suppressed.py",
        "with_block.py",
    ])


@pytest.mark.parametrize("name", FILES)
def test_corpus_file(corpus_doc, name):
    _, doc = corpus_doc
    assert actual(doc, name) == expected(name)


def test_corpus_totals_and_exit_code(corpus_doc):
    code, doc = corpus_doc
    assert code == 1
    # 22 files: one does not parse, one is only outlined (it names no audited method), 20 are parsed.
    assert doc["summary"] == {
        "files_scanned": 22, "files_parsed": 20, "audited": 61, "failing": 31, "unset_exits": 33,
        "suppressed": 2, "inheriting": 5, "errors": 1, "exit_code": 1,
    }
    # Every audited method of the corpus carries a verdict marker, so nothing is audited unannounced.
    announced = sum(len(expected(name)["verdicts"]) for name in FILES)
    assert announced == len(doc["classes"]) == 61


def test_inheriting_names_where_the_method_comes_from(corpus_doc):
    _, doc = corpus_doc
    by_class = {i["class"]: i for i in doc["inheriting"]}
    assert by_class["LeafInheritingProcessor"]["inherits"] == [
        {"method": "save_data", "from_class": "MidProcessor", "from_path": "corpus/inheritance_chain.py"}]
    # Its save_data lives in the platform's base class, outside the scanned tree.
    assert by_class["BoxscoreProcessor"]["inherits"] == []
    assert by_class["BoxscoreProcessor"]["line"] == 16


def test_syntax_error_is_reported_with_its_message(corpus_doc):
    _, doc = corpus_doc
    assert doc["errors"] == [{"path": "corpus/broken_syntax.py", "line": 7, "column": 33, "message": "expected ':'",
                              "unreadable": False}]


def test_suppression_reason_is_kept(corpus_doc):
    _, doc = corpus_doc
    reasons = {c["class"]: c["suppression_reason"] for c in doc["classes"] if c["path"] == "corpus/suppressed.py"}
    assert reasons == {"LegacyProcessor": "run history for this feed is rebuilt nightly",
                       "WrappedSignatureProcessor": "counted by the caller", "WrongCodeProcessor": None}
