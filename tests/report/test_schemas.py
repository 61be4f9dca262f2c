"""The published JSON Schemas (schemas/validate.schema.json, schemas/fill.schema.json) hold every document nbadq
writes: the ones tests build, a fill run's, and each JSON file of the demo flow run for real on a one-season sample."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from nbadq.report.documents import SCHEMAS, validator
from tests.fill.conftest import drop_phase4, fill, serve  # noqa: F401  (fill and serve are fixtures)
from tests.hostile.harness import assert_one_line_error, run_nbadq, tree_hash

from .report_docs import five_season_doc, realistic_fill_doc, realistic_validate_doc

ROOT = Path(__file__).resolve().parents[2]
FILL_CONFIG = """\
[analytics]
kind = "phase3"
url_env = "NBADQ_PHASE3_URL"
max_days_per_request = 10

[precompute]
kind = "phase4"
url_env = "NBADQ_PHASE4_URL"
concurrency = 5
"""


def errors(name: str, doc: dict) -> list[str]:
    """Every schema violation, as 'path: message' (empty when the document is valid)."""
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator(name).iter_errors(doc)]


@pytest.mark.parametrize("name", ["validate", "fill"])
def test_schemas_are_draft_2020_12_published_at_the_top_and_shipped_in_the_package(name):
    published = ROOT / "schemas" / f"{name}.schema.json"
    schema = json.loads(published.read_text())
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    # One file: the repository's schemas/ is a link to the package data the report reads.
    assert published.resolve() == (SCHEMAS / f"{name}.schema.json").resolve() == \
        (ROOT / "nbadq" / "schemas" / f"{name}.schema.json").resolve()


def test_the_checker_can_fail():
    doc = realistic_validate_doc()
    doc["layers"]["raw"]["expectations"][0]["failing_dates"] = ["2024-02-30"]
    doc["calendar"]["game_dates"][0]["processable"] = 1
    assert errors("validate", doc) == ["layers/raw/expectations/0/failing_dates/0: '2024-02-30' is not a 'date'",
                                       "calendar/game_dates/0/processable: 1 is not of type 'boolean'"]


def test_documents_the_tests_build_match():
    validate = realistic_validate_doc()
    assert errors("validate", validate) == []
    assert errors("validate", five_season_doc()) == []
    assert errors("fill", realistic_fill_doc(validate)) == []


def test_a_fill_run_writes_a_document_that_matches(house, serve, fill):  # noqa: F811
    drop_phase4(house, ["2024-11-05", "2024-11-10", "2025-04-20"])
    run = fill(house.root, serve(house.root, faults="silent=2024-11-10"))
    assert run.code == 1
    assert run.outcomes("precompute") == {"2024-11-05": "filled", "2024-11-10": "silent_failure",
                                          "2025-04-20": "filled"}
    assert errors("fill", run.doc) == []


def _serve_local(warehouse: Path, port_file: Path) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "nbadq.cli.main", "serve-local", "--warehouse", str(warehouse),
                             "--port", "0", "--port-file", str(port_file), "--quiet"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 15
    while not (port_file.exists() and port_file.read_text().strip()):
        assert proc.poll() is None and time.monotonic() < deadline, "serve-local did not start"
        time.sleep(0.1)
    return proc


def test_every_document_the_demo_writes_matches_its_schema(tmp_path):
    """The Makefile's `demo` on one season: sample, validate, fill through serve-local, validate, report."""
    out, warehouse = tmp_path / "demo", tmp_path / "warehouse"
    out.mkdir()
    (out / "fill.toml").write_text(FILL_CONFIG)
    assert run_nbadq(["sample", "--out", warehouse, "--seasons", "2024-2024", "--seed", "7"], cwd=tmp_path).code == 0
    before = run_nbadq(["validate", "--warehouse", warehouse, "--json", out / "validate.json"], cwd=tmp_path)
    assert before.code == 1, before.stderr
    service = _serve_local(warehouse, out / "serve-local.port")
    try:
        url = f"http://127.0.0.1:{(out / 'serve-local.port').read_text().strip()}"
        filled = run_nbadq(["fill", "--warehouse", warehouse, "--from-validate", out / "validate.json",
                            "--config", out / "fill.toml", "--ledger", out / "fill-ledger.jsonl",
                            "--json", out / "fill.json"], cwd=tmp_path,
                           env={"NBADQ_PHASE3_URL": url, "NBADQ_PHASE4_URL": url})
    finally:
        service.terminate()
        service.wait(timeout=15)
    assert filled.code == 1, filled.stderr  # predictions and grading have no filler: some dates stay broken
    after = run_nbadq(["validate", "--warehouse", warehouse, "--json", out / "validate-after.json"], cwd=tmp_path)
    assert after.code == 1, after.stderr
    report = run_nbadq(["report", "--from-json", out / "validate-after.json", "--fill-json", out / "fill.json",
                        "--out", out / "report.html"], cwd=tmp_path)
    assert (report.code, report.stdout) == (0, f"{out / 'report.html'}\n")

    written = sorted(p.name for p in out.glob("*.json"))
    assert written == ["fill.json", "validate-after.json", "validate.json"]  # a new document must get a schema
    for name in written:
        doc = json.loads((out / name).read_text())
        assert errors(name.split(".")[0].split("-")[0], doc) == [], name
    fill_doc = json.loads((out / "fill.json").read_text())
    assert "filled" in {o["status"] for by_date in fill_doc["outcomes"].values() for o in by_date.values()}


def test_fill_from_a_document_off_the_schema_is_exit_2_naming_file_and_path(clean_template, tmp_path):
    doc = realistic_validate_doc()
    doc["layers"]["precompute"]["expectations"][0].pop("severity")
    src = tmp_path / "validate.json"
    src.write_text(json.dumps(doc))
    (tmp_path / "fill.toml").write_text(FILL_CONFIG)
    before = tree_hash(tmp_path)
    result = run_nbadq(["fill", "--warehouse", clean_template, "--from-validate", src, "--config", "fill.toml",
                        "--json", "fill.json", "--ledger", "ledger.jsonl"], cwd=tmp_path)
    assert_one_line_error(result, f"--from-validate {src}: layers.precompute.expectations[0]: missing key "
                                  "'severity'; see schemas/validate.schema.json")
    assert tree_hash(tmp_path) == before
