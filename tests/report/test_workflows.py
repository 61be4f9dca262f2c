"""The example GitHub Actions workflows parse, and every `nbadq` they run is a real command with real flags."""

from __future__ import annotations

import importlib
import shlex
from pathlib import Path

import pytest
import yaml

from nbadq.cli.main import COMMANDS, build_parser

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "github-actions"
WORKFLOWS = ("nightly.yml", "predeploy.yml")


def load(name: str) -> dict:
    return yaml.safe_load((EXAMPLES / name).read_text())


def steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def nbadq_invocations(workflow: dict) -> list[list[str]]:
    """Each `nbadq ...` command line in the workflow's run: scripts, as argv (continuations joined)."""
    found = []
    for step in steps(workflow):
        script = step.get("run", "").replace("\\\n", " ")
        for line in script.splitlines():
            words = shlex.split(line, comments=True)
            if words and words[0] == "nbadq":
                found.append(words[1:])
    return found


def flag_problems(argv: list[str]) -> list[str]:
    """What is wrong with `nbadq ARGV`: an unknown command or unknown flags."""
    command = argv[0] if argv else ""
    if command not in COMMANDS:
        return [f"`nbadq {command}` is not a command (known: {', '.join(COMMANDS)})"]
    module = importlib.import_module(COMMANDS[command][0])
    _, subparsers = build_parser()
    module.add_arguments(subparsers[command])
    known = set(subparsers[command]._option_string_actions)
    flags = [word.split("=", 1)[0] for word in argv[1:] if word.startswith("--")]
    return [f"`nbadq {command}` has no flag {flag}" for flag in flags if flag not in known]


INVOCATIONS = [(name, argv) for name in WORKFLOWS for argv in nbadq_invocations(load(name))]


@pytest.mark.parametrize("name, argv", INVOCATIONS, ids=[f"{n}:{a[0]}" for n, a in INVOCATIONS])
def test_nbadq_commands_and_flags_exist(name, argv):
    assert flag_problems(argv) == []


def test_the_workflows_call_the_commands_they_are_for():
    assert [a[0] for a in nbadq_invocations(load("nightly.yml"))] == ["calendar", "validate"]
    assert [a[0] for a in nbadq_invocations(load("predeploy.yml"))] == ["audit"]


def test_the_flag_check_can_fail():
    assert flag_problems(["frobnicate"]) == [f"`nbadq frobnicate` is not a command (known: {', '.join(COMMANDS)})"]
    assert flag_problems(["report", "--from-json", "v.json", "--colour=red"]) == ["`nbadq report` has no flag --colour"]


def test_nightly_authenticates_with_workload_identity_and_caps_bytes():
    workflow = load("nightly.yml")
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` key as true
    assert "schedule" in triggers
    job = workflow["jobs"]["validate"]
    assert workflow["permissions"]["id-token"] == "write"
    assert job["env"]["NBADQ_WAREHOUSE"] == "bigquery://${{ vars.GCP_PROJECT }}"
    assert job["env"]["NBADQ_MAXIMUM_BYTES_BILLED"].startswith("${{ vars.NBADQ_MAXIMUM_BYTES_BILLED")
    auth = next(s for s in steps(workflow) if s.get("uses", "").startswith("google-github-actions/auth@"))
    assert set(auth["with"]) == {"workload_identity_provider", "service_account"}  # no key file
    calendar, validate = nbadq_invocations(workflow)
    assert calendar == ["calendar"]  # the warehouse comes from the job env, as validate's does
    assert validate[validate.index("--checkpoint") + 1] == "nightly"
    assert validate[validate.index("--summary-md") + 1] == "$GITHUB_STEP_SUMMARY"
    assert {"--since", "--json", "--report", "--junit"} <= set(validate)
    upload = next(s for s in steps(workflow) if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["if"] == "always()"
    assert "/report.html" in upload["with"]["path"] and "/junit.xml" in upload["with"]["path"]


def test_predeploy_uploads_sarif_even_when_the_audit_fails():
    workflow = load("predeploy.yml")
    assert workflow["permissions"]["security-events"] == "write"
    assert nbadq_invocations(workflow) == [["audit", "--format", "sarif", "--output", "audit.sarif"]]
    sarif = next(s for s in steps(workflow) if s.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    assert sarif["if"] == "always()" and sarif["with"]["sarif_file"] == "audit.sarif"


@pytest.mark.parametrize("name", WORKFLOWS)
def test_no_project_id_or_key_in_the_examples(name):
    text = (EXAMPLES / name).read_text()
    assert "nba-props-platform" not in text
    assert "credentials_json" not in text and "GOOGLE_APPLICATION_CREDENTIALS" not in text
