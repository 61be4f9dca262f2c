"""Machine-readable result: every audited method (ok ones too), the inheriting processors, the unparsed files.

    {"classes": [{"path", "class", "method", "key", "line", "column", "class_line", "async", "verdict",
                  "exits", "unset_exits": [{"line", "column", "kind", "situation"}],
                  "suppressed", "suppression_reason"}],
     "inheriting": [{"path", "class", "line", "inherits": [{"method", "from_class", "from_path"}]}],
     "errors": [{"path", "line", "column", "message", "unreadable"}],
     "summary": {...}}
"""

from __future__ import annotations

import json

from nbadq.audits.findings import AuditReport

SCHEMA_VERSION = 1


def document(report: AuditReport) -> dict:
    return {
        "version": SCHEMA_VERSION,
        "classes": [{
            "path": m.path, "class": m.class_name, "method": m.method, "key": m.key, "line": m.line,
            "column": m.column, "class_line": m.class_line, "async": m.is_async, "verdict": m.verdict,
            "exits": m.exits,
            "unset_exits": [{"line": e.line, "column": e.column, "kind": e.kind, "situation": e.situation}
                            for e in m.unset],
            "suppressed": m.suppressed,
            "suppression_reason": m.suppression.reason if m.suppression else None,
        } for m in report.methods],
        "inheriting": [{
            "path": i.path, "class": i.class_name, "line": i.line,
            "inherits": [{"method": method, "from_class": cls, "from_path": path} for method, cls, path in i.inherits],
        } for i in report.inheriting],
        "errors": [{"path": e.path, "line": e.line, "column": e.column, "message": e.message,
                    "unreadable": e.unreadable} for e in report.errors],
        "summary": {
            "files_scanned": report.files_scanned, "files_parsed": report.files_parsed,
            "audited": len(report.methods), "failing": len(report.failing), "unset_exits": len(report.findings),
            "suppressed": len(report.suppressed), "inheriting": len(report.inheriting),
            "errors": len(report.errors), "exit_code": report.exit_code,
        },
    }


def render(report: AuditReport) -> str:
    return json.dumps(document(report), indent=2) + "\n"
