"""The whole audit: discover files, summarize them, find the processors, decide every exit, build the report."""

from __future__ import annotations

import gc
import os

from nbadq.audits import situations
from nbadq.audits.classes import ClassId, ClassIndex
from nbadq.audits.config import AuditConfig
from nbadq.audits.completion import FollowedImports, add_summaries, complete
from nbadq.audits.discovery import Ignore, discover, display_path
from nbadq.audits.evaluate import Evaluator
from nbadq.audits.findings import AuditedMethod, AuditReport, Inheritor, UnsetExit
from nbadq.audits.parallel import summarize_all
from nbadq.audits.summarize import Job, method_flow
from nbadq.audits.summaries import ClassSummary, FileSummary, ParseError
from nbadq.audits.timing import Phases


def run_audit(paths: list[str], config: AuditConfig, jobs: int | None = None) -> AuditReport:
    # Parsing makes and drops millions of AST objects, none in reference cycles: the cyclic collector would only
    # re-scan the growing summaries over and over (it cost a fifth of the run). Forked workers inherit this.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _run(paths, config, jobs)
    finally:
        if was_enabled:
            gc.enable()


def _run(paths: list[str], config: AuditConfig, jobs: int | None) -> AuditReport:
    phases = Phases()
    ignore = Ignore(config.ignore, config.root)
    unreadable: list[ParseError] = []  # folders that could not be listed; unreadable files join them below
    files = [display_path(p) for p in discover(paths, ignore, unreadable)]
    phases.mark("discover")
    job = Job({m: config.keys_for(m) for m in config.methods}, config.keys)
    index = ClassIndex(config.bases, config.methods)
    errors: list[ParseError] = list(unreadable)
    unparsed: dict[str, FileSummary] = {}
    summaries = summarize_all(files, job, jobs=jobs)
    phases.mark("summarize")
    add_summaries(summaries, index, errors, unparsed)
    complete(index, job, jobs, errors, unparsed, FollowedImports(ignore, (str(config.root), os.getcwd())))
    phases.mark("complete")
    targets = set(files)  # files reached only by following imports give context, they are not reported on
    evaluator = Evaluator(index, job.rules,
                          on_demand=lambda cid, method, key: method_flow(cid[0], cid[1], method, key, job))
    methods, inheriting = [], []
    for cid in sorted(index.classes, key=lambda c: (c[0], index.classes[c].line, c[1])):
        if cid[0] not in targets or index.is_configured_base(cid) or not index.is_processor(cid):
            continue
        cls = index.classes[cid]
        defined = [m for m in config.methods if m in cls.methods]
        if not defined:
            inheriting.append(_inheritor(index, cid, config.methods))
            continue
        for method in defined:
            for key in config.keys_for(method):
                methods.append(_audit_method(evaluator, cid, cls, method, key))
    parsed = sum(1 for path, f in index.files.items() if f.parsed and not f.outline and path in targets)
    errors = [e for e in errors if e.path in targets or e in unreadable]
    phases.mark("evaluate")
    return AuditReport(files_scanned=len(files), files_parsed=parsed, methods=tuple(methods),
                       inheriting=tuple(inheriting), errors=tuple(sorted(set(errors), key=lambda e: (e.path, e.line))))


def _audit_method(evaluator: Evaluator, cid: ClassId, cls: ClassSummary, method: str, key: str) -> AuditedMethod:
    summary = cls.methods[method]
    flow = summary.flows[key]
    unset = []
    ever_set = False
    for e in flow.exits:
        failing = [label for label, cond in e.paths if not evaluator.holds(cid, cid, cond, key)]
        if failing:
            unset.append(UnsetExit(e.line, e.column, e.kind, situations.explain(e.where, failing, e.wrote)))
        ever_set = ever_set or evaluator.holds(cid, cid, e.maybe, key)
    return AuditedMethod(path=cid[0], class_name=cls.qualname, class_line=cls.line, method=method, key=key,
                         line=summary.line, column=summary.column, is_async=summary.is_async,
                         exits=len(flow.exits), ever_set=ever_set, unset=tuple(unset),
                         suppression=summary.suppression)


def _inheritor(index: ClassIndex, cid: ClassId, methods: tuple[str, ...]) -> Inheritor:
    inherits = []
    for method in methods:
        owner = index.lookup(cid, method)
        if owner is not None:
            inherits.append((method, index.classes[owner].qualname, owner[0]))
    cls = index.classes[cid]
    return Inheritor(path=cid[0], class_name=cls.qualname, line=cls.line, inherits=tuple(inherits))
