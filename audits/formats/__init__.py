"""Renderings of an AuditReport: text (terminal), json, sarif (code scanning), junit and markdown (CI).

Each module has `render(report) -> str`; none imports anything heavy at module level.
"""
