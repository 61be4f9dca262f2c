"""One line per finding, `path:line:col: CODE message`, the form editors and CI log parsers recognise."""

from __future__ import annotations

from nbadq.audits.findings import PARSE_RULE_ID, RULE_ID, AuditReport


def render(report: AuditReport) -> str:
    lines = [f"{f.method.path}:{f.exit.line}:{f.exit.column}: {RULE_ID} {f.message()}" for f in report.findings]
    lines += [f"{e.path}:{e.line}:{e.column}: {PARSE_RULE_ID} {e.why_not_audited}" for e in report.errors]
    lines.append(summary(report))
    return "\n".join(lines) + "\n"


def summary(report: AuditReport) -> str:
    audited = len(report.methods)
    exits = len(report.findings)
    failing = len(report.failing)
    parts = []
    if exits:
        parts.append(f"{_n(exits, 'unset exit')} in {failing} of {_n(audited, 'audited method')}")
    else:
        parts.append(f"no unset exits in {_n(audited, 'audited method')}")
    if report.suppressed:
        parts.append(f"{len(report.suppressed)} suppressed")
    if report.inheriting:
        parts.append(f"{_n(len(report.inheriting), 'processor')} inheriting")
    unreadable = len(report.unreadable)
    if len(report.errors) > unreadable:
        parts.append(f"{_n(len(report.errors) - unreadable, 'file')} not parsed")
    if unreadable:
        parts.append(f"{unreadable} unreadable, not audited")
    parts.append(f"{_n(report.files_scanned, 'file')} scanned")
    return "nbadq audit: " + "; ".join(parts)


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
