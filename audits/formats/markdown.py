"""A short Markdown summary for a CI step summary: the verdict first, then what to fix."""

from __future__ import annotations

from nbadq.audits.findings import KIND_PHRASE, AuditReport
from nbadq.audits.formats.text import summary

_LIMIT = 50  # a step summary is read by people; the full list is in the text/JSON/SARIF output


def render(report: AuditReport) -> str:
    ok = report.exit_code == 0
    out = [f"## nbadq audit: {'passed' if ok else 'failed'}", "", summary(report).removeprefix("nbadq audit: "), ""]
    out += ["| audited methods | failing | unset exits | suppressed | inheriting | not parsed |",
            "|---:|---:|---:|---:|---:|---:|",
            f"| {len(report.methods)} | {len(report.failing)} | {len(report.findings)} | {len(report.suppressed)} "
            f"| {len(report.inheriting)} | {len(report.errors)} |", ""]
    findings = report.findings
    if findings:
        out += ["| where | method | key | exit | situation |", "|---|---|---|---|---|"]
        for f in findings[:_LIMIT]:
            m, e = f.method, f.exit
            out.append(f"| `{_cell(m.path)}:{e.line}` | `{_cell(m.class_name)}.{m.method}` | `{m.key}` "
                       f"| {KIND_PHRASE[e.kind]} | {e.situation or ''} |")
        out += _cut(len(findings), "unset exits")
        out.append("")
    if report.errors:
        out.append("Files not audited (they do not parse, or could not be read):")
        out += [f"- `{_cell(e.path)}:{e.line}`: {'cannot read: ' if e.unreadable else ''}{_cell(e.message)}"
                for e in report.errors[:_LIMIT]]
        out += _cut(len(report.errors), "files not audited")
        out.append("")
    if report.suppressed:
        out.append("Suppressed:")
        out += [f"- `{_cell(m.class_name)}.{m.method}` ({_cell(m.path)}:{m.line}): "
                f"{_cell(m.suppression.reason) or '(no reason given)'}" for m in report.suppressed[:_LIMIT]]
        out += _cut(len(report.suppressed), "suppressed methods")
        out.append("")
    return "\n".join(out)


def _cut(total: int, what: str) -> list[str]:
    """Every list stops at _LIMIT; say how many items it cut, so nobody takes the list for all of them."""
    return [f"\n... and {total - _LIMIT} more {what} (see the full report)."] if total > _LIMIT else []


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("`", "'").replace("\n", " ")
