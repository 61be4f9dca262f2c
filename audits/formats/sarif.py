"""SARIF 2.1.0 for code-scanning upload: one result per unset exit, suppressed ones marked as such.

Paths are relative to %SRCROOT% (the working directory the audit ran in, normally the repository root), columns
count Unicode code points, and each result carries a fingerprint that survives edits elsewhere in the file (it is
built from the path, class, method, key, exit kind and situation, not from the line).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from urllib.parse import quote

import nbadq
from nbadq.audits.findings import PARSE_RULE_ID, RULE_ID, RULE_NAME, AuditedMethod, AuditReport, Finding, UnsetExit

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
_HELP = (
    "A processor's run history records self.stats[key] as the run's row count. An override of the save method "
    "that leaves it unset on some exit (an early return on empty data, a skipped write, a validation failure, an "
    "error handler, or the end of the method) records 0 rows for a run that may have written data. Set the key on "
    "every exit, for example in a finally block, or suppress with `# nbadq: ignore[rows-stat] <reason>` on the def "
    "line."
)
_RULES = [
    {
        "id": RULE_ID,
        "name": "RowsStatUnset",
        "shortDescription": {"text": "A save override leaves its row-count stat unset on an exit"},
        "fullDescription": {"text": _HELP},
        "help": {"text": _HELP},
        "defaultConfiguration": {"level": "error"},
        "properties": {"tags": ["correctness", "data-quality", RULE_NAME], "precision": "high"},
    },
    {
        "id": PARSE_RULE_ID,
        "name": "NotParsed",
        "shortDescription": {"text": "A file could not be parsed, so it was not audited"},
        "fullDescription": {"text": "The file is not valid Python for the interpreter running nbadq."},
        "defaultConfiguration": {"level": "error"},
    },
]


def document(report: AuditReport) -> dict:
    results = []
    occurrences: dict[tuple, int] = {}
    for method in report.methods:
        for exit_ in method.unset:
            results.append(_result(method, exit_, occurrences))
    for error in report.errors:
        results.append({
            "ruleId": PARSE_RULE_ID, "ruleIndex": 1, "level": "error",
            "message": {"text": error.why_not_audited},
            "locations": [_location(error.path, error.line, max(error.column, 1))],
        })
    results.sort(key=lambda r: (_sort_key(r), r["ruleId"]))
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "nbadq", "version": nbadq.__version__,
                                "semanticVersion": nbadq.__version__, "rules": _RULES}},
            "originalUriBaseIds": {"%SRCROOT%": {"uri": Path(os.getcwd()).as_uri() + "/"}},
            "columnKind": "unicodeCodePoints",
            "invocations": [{"executionSuccessful": True}],
            "results": results,
        }],
    }


def render(report: AuditReport) -> str:
    return json.dumps(document(report), indent=2) + "\n"


def _result(method: AuditedMethod, exit_: UnsetExit, occurrences: dict) -> dict:
    identity = (method.path, method.class_name, method.method, method.key, exit_.kind, exit_.situation or "")
    occurrences[identity] = occurrences.get(identity, 0) + 1
    fingerprint = hashlib.sha256("\x1f".join(map(str, identity + (occurrences[identity],))).encode()).hexdigest()
    result = {
        "ruleId": RULE_ID,
        "ruleIndex": 0,
        "level": "error",
        "message": {"text": Finding(method, exit_).message()},
        "locations": [dict(_location(method.path, exit_.line, exit_.column), logicalLocations=[
            {"fullyQualifiedName": f"{method.class_name}.{method.method}", "kind": "function"}])],
        "partialFingerprints": {"nbadqExit/v1": fingerprint[:32]},
        "properties": {"key": method.key, "kind": exit_.kind, "situation": exit_.situation,
                       "verdict": method.verdict},
    }
    if method.suppression is not None:
        result["suppressions"] = [{"kind": "inSource", "justification": method.suppression.reason or "(no reason)"}]
    return result


def _location(path: str, line: int, column: int) -> dict:
    if os.path.isabs(path):
        artifact = {"uri": Path(path).as_uri()}
    else:
        artifact = {"uri": quote(path), "uriBaseId": "%SRCROOT%"}
    return {"physicalLocation": {"artifactLocation": artifact, "region": {"startLine": line, "startColumn": column}}}


def _sort_key(result: dict) -> tuple:
    location = result["locations"][0]["physicalLocation"]
    return location["artifactLocation"]["uri"], location["region"]["startLine"], location["region"]["startColumn"]
