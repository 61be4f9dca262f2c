"""`nbadq report`: writes the page and prints its path; bad input is one line, exit 2, nothing written."""

from __future__ import annotations

import json
import subprocess
import sys

from nbadq.cli.main import main


def test_writes_the_report_and_prints_its_path(tmp_path, validate_json, fill_json, capsys):
    out = tmp_path / "site" / "report.html"
    out.parent.mkdir()  # a missing folder is exit 2 (tests/hostile/test_report.py); only uncommitted/ is created
    code = main(["report", "--from-json", str(validate_json), "--fill-json", str(fill_json), "--out", str(out)])
    assert (code, capsys.readouterr().out) == (0, f"{out}\n")
    assert "Not fixed by the fill (3)" in out.read_text()


def test_defaults_read_and_write_under_uncommitted(tmp_path, validate_doc, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "uncommitted").mkdir()
    (tmp_path / "uncommitted" / "validate.json").write_text(json.dumps(validate_doc))
    assert main(["report"]) == 0
    assert capsys.readouterr().out == "uncommitted/report.html\n"
    assert (tmp_path / "uncommitted" / "report.html").stat().st_size > 10_000


def test_the_default_out_creates_uncommitted(tmp_path, validate_json, monkeypatch, capsys):
    """uncommitted/ is nbadq's own folder: the default --out may create it (any other missing folder is exit 2)."""
    monkeypatch.chdir(tmp_path)
    assert main(["report", "--from-json", str(validate_json)]) == 0
    assert capsys.readouterr().out == "uncommitted/report.html\n"
    assert (tmp_path / "uncommitted" / "report.html").is_file()


def test_missing_json_is_a_usage_error(tmp_path, capsys):
    code = main(["report", "--from-json", str(tmp_path / "nope.json"), "--out", str(tmp_path / "r.html")])
    expected = f"nbadq report: error: --from-json {tmp_path}/nope.json: no such file\n"
    assert (code, capsys.readouterr().err) == (2, expected)
    assert not (tmp_path / "r.html").exists()


def test_malformed_document_names_the_file_and_the_key(tmp_path, validate_doc, capsys):
    validate_doc["layers"]["precompute"]["expectations"][2]["success"] = "false"
    bad = tmp_path / "validate.json"
    bad.write_text(json.dumps(validate_doc))
    out = tmp_path / "report.html"
    out.write_text("yesterday's report")
    assert main(["report", "--from-json", str(bad), "--out", str(out)]) == 2
    assert capsys.readouterr().err == (f"nbadq report: error: --from-json {bad}: "
                                       "layers.precompute.expectations[2].success: expected boolean, found string; "
                                       "see schemas/validate.schema.json\n")
    assert out.read_text() == "yesterday's report"


def test_bad_fill_document_names_the_fill_file(tmp_path, validate_json, fill_doc, capsys):
    fill_doc["outcomes"]["analytics"]["2024-11-12"]["status"] = "done"
    bad = tmp_path / "fill.json"
    bad.write_text(json.dumps(fill_doc))
    assert main(["report", "--from-json", str(validate_json), "--fill-json", str(bad),
                 "--out", str(tmp_path / "r.html")]) == 2
    assert capsys.readouterr().err.startswith(f"nbadq report: error: --fill-json {bad}: outcomes.analytics.2024-11-12")


def test_not_json_through_the_real_entry_point(tmp_path):
    bad = tmp_path / "validate.json"
    bad.write_text("{truncated")
    done = subprocess.run([sys.executable, "-m", "nbadq.cli.main", "report", "--from-json", str(bad),
                           "--out", str(tmp_path / "r.html")], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == (f"nbadq report: error: --from-json {bad}: not JSON "
                           "(line 1, column 2: Expecting property name enclosed in double quotes)\n")
