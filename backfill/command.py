"""A whole `nbadq fill` run: validate, plan, send, prove each date, validate again, report.

Configuration problems (config file, unknown layer, an output path that cannot be written, a URL variable that is
not set, a token that cannot be fetched, a ledger another run holds or one written against another warehouse) are
found before the first request and end the run with exit 2, with nothing written. From the first request on,
everything is written to the ledger as it happens, and the exit code is 0 only when every failing date of every
planned layer is proven in SQL after the run (backfill/summary.py).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping, TextIO

from nbadq.backfill.backoff import Backoff
from nbadq.backfill.cascade import WINDOW_DAYS, game_days
from nbadq.backfill.circuit import CircuitBreaker
from nbadq.backfill.client import FillClient, make_session
from nbadq.backfill.config import Filler, load_fill_config
from nbadq.backfill.coordinator import poll_recorder
from nbadq.backfill.ledger import (Ledger, default_ledger_path, filled_at, filled_dates, read_ledger,
                                   recorded_warehouses, unsettled, unsettled_steps)
from nbadq.backfill.outcomes import STATUSES, Outcome
from nbadq.backfill.plan import PASSES_NOW, Plan, build_plan, calendar_of
from nbadq.backfill.plan_text import print_graph, print_plan, print_requests
from nbadq.backfill.progress import Progress
from nbadq.backfill.reconcile import drop_passing, resumed_steps, settle_killed_dates
from nbadq.backfill.runner import LayerTarget, Runner
from nbadq.backfill.stopping import INTERRUPTED, Stopped, StopFlag, stop_now_on_signals, stop_on_signals
from nbadq.backfill.summary import exit_code, fill_document, print_summary
from nbadq.backfill.tokens import Redactor, TokenError, TokenSource, command_argv, token_source
from nbadq.backfill.verify import Recheck, Verifier
from nbadq.config import load_settings
from nbadq.errors import UsageError
from nbadq.exitcodes import ExitCode
from nbadq.files import check_outputs, write_json_atomic
from nbadq.layers import FILL_LAYERS
from nbadq.warehouse.fingerprint import WarehouseIdentity, identify

Outcomes = dict[str, dict[dt.date, Outcome]]
SETTLED = (PASSES_NOW,)  # why a --from-validate date found passing now is not sent (no ledger: none already_filled)


@dataclass(frozen=True)
class FillOptions:
    warehouse: str | None = None
    checkpoint: str = "nightly"
    layers: tuple[str, ...] = ()
    since: dt.date | None = None
    until: dt.date | None = None
    dry_run: bool = False
    workers: int | None = None
    ledger: Path | None = None
    resume: Path | None = None
    json_path: Path | None = None
    token_command: str | None = None
    config: Path | None = None
    from_validate: Path | None = None  # plan from this validate document instead of validating first
    cascade: bool = True  # False (--no-cascade): only the failing dates
    plan_only: bool = False  # --plan: print the step graph by cause, send nothing


@dataclass
class Hooks:
    """Seams for tests and the benchmark; the defaults are the real thing."""

    validate: Callable[..., dict] | None = None  # nbadq.validation.run_checkpoint
    recheck: Recheck | None = None  # nbadq.validation.recheck_dates
    backoff_random: Callable[[], float] | None = None
    sleep: Callable[[float], Any] | None = None  # replaces the interruptible wait between attempts
    environ: Mapping[str, str] | None = None
    tty: bool | None = None


def run_fill(opts: FillOptions, out: TextIO | None = None, err: TextIO | None = None,
             hooks: Hooks | None = None) -> int:
    return _FillRun(opts, out or sys.stdout, err or sys.stderr, hooks or Hooks()).execute()


class _FillRun:
    def __init__(self, opts: FillOptions, out: TextIO, err: TextIO, hooks: Hooks) -> None:
        self.opts, self.out, self.err, self.hooks = opts, out, err, hooks
        self.config = load_fill_config(opts.config)
        _check_options(opts)
        self.resumed = read_ledger(opts.resume) if opts.resume else []
        self.warehouse = identify(load_settings(opts.warehouse).warehouse)
        _check_resumed_warehouse(opts.resume, self.resumed, self.warehouse)
        self.validate = hooks.validate or _run_checkpoint
        self.verifier = Verifier(opts.warehouse, hooks.recheck)
        self.redactor = Redactor()
        self.timing: dict[str, float] = {}
        self.unproven: set[tuple[str, dt.date]] = set()

    def execute(self) -> int:
        before, plan = self._plan()
        if self.opts.plan_only:  # the graph only: no service is named, so no URL variable is needed
            self._print_plan(plan, {}, {})
            print_graph(plan, self.out)
            return ExitCode.OK
        urls = {lp.layer: lp.filler.base_url(self.hooks.environ) for lp in plan.layers if lp.calls}
        keys = {layer: plan.layer(layer).filler.api_key(self.hooks.environ) for layer in urls}  # unset: exit 2
        workers = {layer: _workers(self.opts.workers, plan.layer(layer).filler, self.out) for layer in urls}
        self._print_plan(plan, urls, workers)
        if self.opts.dry_run:
            print_requests(plan, urls, self.out)
            return ExitCode.OK
        tokens = _tokens(urls, self.opts.token_command, self.redactor, keys)
        ledger = self._open_ledger(plan)
        stop = StopFlag()
        outcomes = self._send(plan, urls, workers, tokens, ledger, stop)
        after = self._revalidate(stop) if stop.signal is None else None
        return self._finish(plan, before, after, outcomes, stop, ledger)

    def _plan(self) -> tuple[dict, Plan]:
        opts, clock = self.opts, time.monotonic()
        if opts.from_validate:
            before = _load_validate_doc(opts.from_validate)
        else:
            before = self.validate(opts.warehouse, opts.checkpoint, opts.since, opts.until)
        # A resumed ledger's `filled` records are not trusted blindly: a fresh validation has just re-proven every
        # date in SQL, and a --from-validate plan is re-checked date by date; a recorded date failing now is sent.
        resumed = self._resumed_steps()
        # A --from-validate document may be hours old: its failing dates are re-checked in SQL. Those passing now
        # are left out before the cascade is drawn (a date nobody refilled taints nothing), except on --resume:
        # there a date may pass because the killed run refilled it, and what it taints is re-run after the plan.
        fresh = opts.from_validate and not self.resumed
        settled = self._settled_since(before) if fresh else None
        calendar = _cascade_calendar(opts.warehouse, before, opts.until) if opts.cascade else None
        plan = build_plan(before, self.config.fillers, opts.layers or None, opts.since, opts.until,
                          cascade=opts.cascade, calendar=calendar, resumed=resumed, settled=settled)
        if opts.from_validate and not fresh and plan.dates:
            self.verifier.require_calendar()
            plan = drop_passing(plan, self.verifier, calendar_of(before), filled_dates(self.resumed))
        self.timing["validate_before_s"] = round(time.monotonic() - clock, 3)
        return before, plan

    def _settled_since(self, before: dict) -> dict[str, dict[str, tuple[dt.date, ...]]]:
        """layer -> passes_now -> the document's failing dates that pass when re-checked in SQL now."""
        opts = self.opts
        failing = build_plan(before, self.config.fillers, opts.layers or None, opts.since, opts.until, cascade=False)
        if not failing.dates:
            return {}
        self.verifier.require_calendar()
        checked = drop_passing(failing, self.verifier, calendar_of(before))
        return {lp.layer: {why: lp.skipped[why] for why in SETTLED if lp.skipped.get(why)} for lp in checked.layers}

    def _resumed_steps(self) -> dict[tuple[str, dt.date], tuple[str, ...]]:
        """Cascade steps the resumed ledger planned, never settled and cannot prove: planned again (not with
        --no-cascade), and never settled as `filled` from the ledger alone (settle_killed_dates)."""
        if not self.resumed:
            return {}
        found = resumed_steps(unsettled_steps(self.resumed), filled_at(self.resumed), self.verifier)
        self.unproven = set(found)
        return found if self.opts.cascade else {}

    def _print_plan(self, plan: Plan, urls: Mapping[str, str], workers: Mapping[str, int]) -> None:
        opts = self.opts
        source = f"from {opts.from_validate}" if opts.from_validate else f"checkpoint {opts.checkpoint}"
        window = f"{_iso(opts.since) or 'start'} .. {_iso(opts.until) or 'end'}"
        print_plan(plan, urls, workers, f"plan ({source}, {window}):", self.out)
        filled = filled_dates(self.resumed)
        if filled:
            again = sum((lp.layer, d) in filled for lp in plan.layers for d in lp.dates)
            verdict = f"{again} of them fail now and are sent again" if again else "none of them fails now"
            print(f"  (resume: {opts.resume} records {len(filled)} date(s) as filled; {verdict})", file=self.out)
        print(f"{plan.dates} date(s) to send in {len(plan.calls)} request(s)", file=self.out, flush=True)

    def _open_ledger(self, plan: Plan) -> Ledger:
        opts = self.opts
        ledger = Ledger(opts.ledger or opts.resume or default_ledger_path(self.config.ledger_dir))
        print(f"ledger: {ledger.path} (resume with: nbadq fill --resume {ledger.path})", file=self.out, flush=True)
        ledger.write("run", pid=os.getpid(), checkpoint=opts.checkpoint,
                     warehouse=load_settings(opts.warehouse).warehouse, warehouse_label=self.warehouse.label,
                     warehouse_fingerprint=self.warehouse.fingerprint, since=_iso(opts.since), until=_iso(opts.until),
                     resumed_from=str(opts.resume) if opts.resume else None,
                     planned={lp.layer: [d.isoformat() for d in lp.dates] for lp in plan.layers if lp.filler},
                     steps=[{"layer": s.layer, "date": s.date.isoformat(), "reasons": list(s.reasons)}
                            for s in plan.steps])
        in_doubt = {k: v for k, v in unsettled(self.resumed).items() if k not in self.unproven}
        settle_killed_dates(ledger, plan, in_doubt, (opts.since, opts.until), self.out)
        return ledger

    def _send(self, plan: Plan, urls: Mapping[str, str], workers: Mapping[str, int],
              tokens: Mapping[str, TokenSource], ledger: Ledger, stop: StopFlag) -> Outcomes:
        progress = Progress(plan.dates, out=self.out, tty=self.hooks.tty)
        runner = Runner(self._client_factory(workers, ledger), self.verifier, ledger, progress, stop, CircuitBreaker(),
                        self.redactor)
        targets = {lp.layer: LayerTarget(lp, urls[lp.layer], tokens[lp.layer], workers[lp.layer])
                   for lp in plan.layers if lp.layer in urls}
        clock = time.monotonic()
        try:
            with stop_on_signals(stop, progress.note):
                return runner.run(plan, targets)
        finally:
            progress.close()
            self.timing["fill_s"] = round(time.monotonic() - clock, 3)

    def _client_factory(self, workers: Mapping[str, int], ledger: Ledger) -> Callable[..., FillClient]:
        config, hooks = self.config, self.hooks
        backoff = Backoff(base=config.retry_base_seconds, cap=config.retry_max_seconds,
                          **({"random": hooks.backoff_random} if hooks.backoff_random else {}))
        session = make_session(sum(workers.values()) or 1)  # the layers' requests run concurrently

        def factory(on_send, on_attempt, sleep, stopping) -> FillClient:
            return FillClient(session, backoff, self.redactor, on_attempt=on_attempt, on_send=on_send,
                              on_poll=poll_recorder(ledger, self.redactor),
                              sleep=hooks.sleep or sleep, stopping=stopping)

        return factory

    def _revalidate(self, stop: StopFlag) -> dict | None:
        """The checkpoint again; if it cannot run (or a signal stops it), the outcomes stand and the run says so."""
        opts, clock = self.opts, time.monotonic()
        print(f"re-validating (checkpoint {opts.checkpoint}) ...", file=self.out, flush=True)
        try:
            # No call is in flight now: Ctrl-C and SIGTERM alike end the re-validation at once, and the run
            # still writes its `end` record and the JSON.
            with stop_now_on_signals(stop):
                return self.validate(opts.warehouse, opts.checkpoint, opts.since, opts.until)
        except UsageError as exc:
            print(self.redactor(f"nbadq fill: the re-validation after the fill failed: {exc}"), file=self.err)
        except (Stopped, KeyboardInterrupt):
            if stop.signal is None:  # a KeyboardInterrupt outside the main thread's handler
                stop.set(INTERRUPTED)
            print(f"nbadq fill: re-validation {stop.signal}; every outcome is in the ledger", file=self.err)
        finally:
            self.timing["validate_after_s"] = round(time.monotonic() - clock, 3)
        return None

    def _finish(self, plan: Plan, before: dict, after: dict | None, outcomes: Outcomes, stop: StopFlag,
                ledger: Ledger) -> int:
        code = exit_code(plan, outcomes, after, stop.exit_code(), before)
        print_summary(plan, outcomes, before, after, self.out)
        _report_stop(stop, ledger.path, self.out)
        counts = {s: sum(o.status == s for by in outcomes.values() for o in by.values()) for s in STATUSES}
        ledger.write("end", exit_code=int(code), stopped=stop.reason, counts=counts, timing=self.timing)
        ledger.close()
        if self.opts.json_path:
            doc = fill_document(plan, outcomes, before, after, checkpoint=self.opts.checkpoint,
                                stopped=stop.reason, ledger=str(ledger.path), timing=self.timing,
                                exit_code=int(code),
                                generated_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))
            write_json_atomic(self.opts.json_path, doc)
        return code


def _check_options(opts: FillOptions) -> None:
    for layer in opts.layers:
        if layer not in FILL_LAYERS:
            raise UsageError(f"--layer {layer!r}: layers that can be filled are {', '.join(FILL_LAYERS)}")
    if opts.workers is not None and opts.workers < 1:
        raise UsageError(f"--workers must be at least 1, not {opts.workers}")
    if opts.token_command is not None:
        command_argv(opts.token_command)  # empty or unbalanced: exit 2 now, not requests without a token later
    # Outputs are checked before any work: a typo must not cost a night of requests. The ledger is appended to,
    # so an existing regular file is fine (check_output accepts it).
    ledger = (opts.ledger, "--ledger") if opts.ledger or not opts.resume else (opts.resume, "--resume")
    check_outputs((opts.json_path, "--json"), ledger)


def _check_resumed_warehouse(path: Path | None, records: list[dict], here: WarehouseIdentity) -> None:
    """A ledger's `filled` dates say something only about the warehouse it was written against."""
    elsewhere = {fp: label for fp, label in recorded_warehouses(records).items() if fp != here.fingerprint}
    if elsewhere:
        label = sorted(elsewhere.values())[0]
        raise UsageError(f"--resume {path}: the ledger was written against {label}, not {here.label}; resume with "
                         f"--warehouse {label.removeprefix('local:')}, or start a new ledger")


def _cascade_calendar(warehouse: str | None, doc: Mapping[str, Any], until: dt.date | None) -> dict | None:
    """The validated window's calendar plus the 21 days after --until, from the warehouse's calendar table: a date
    refilled near the end of the window makes Phase 4 dates after it stale. None (the document's) without --until,
    or when the warehouse has no calendar to read."""
    if until is None:
        return None
    from nbadq import game_dates
    from nbadq.errors import WarehouseError
    from nbadq.warehouse import open_warehouse

    try:
        rows = game_dates.read(open_warehouse(load_settings(warehouse)), until + dt.timedelta(days=1),
                               until + dt.timedelta(days=WINDOW_DAYS))
    except WarehouseError:
        return None
    after = game_days({"date": r["game_date"], "season_year": r["season_year"], "processable": r["is_processable"]}
                      for r in rows)
    return {**game_days(doc.get("calendar", {}).get("game_dates", [])), **after}


def _load_validate_doc(path: Path) -> dict:
    from nbadq.report.documents import check_validate_doc, load_json

    doc = load_json(path, "--from-validate")
    try:
        check_validate_doc(doc)
    except UsageError as exc:  # name the file: the check's message points inside the document
        raise UsageError(f"--from-validate {path}: {exc}") from None
    return doc


def _workers(requested: int | None, filler: Filler | None, out: TextIO) -> int:
    limit = filler.concurrency if filler else 1
    if requested is not None and requested > limit:
        print(f"note: --workers {requested} lowered to {limit} for {filler.layer if filler else '?'} "
              f"(the service's concurrency limit)", file=out)
    return min(requested or limit, limit)


def _tokens(urls: Mapping[str, str], command: str | None, redactor: Redactor,
            keys: Mapping[str, str | None]) -> dict[str, TokenSource]:
    """One source per layer, each asked for a first token now: a token problem stops the run before any request."""
    shared: dict[str, TokenSource] = {}
    found = {}
    try:
        for layer, url in urls.items():
            found[layer] = token_source(url, command, redactor, shared, keys.get(layer))
            found[layer].token()
    except TokenError as exc:
        raise UsageError(str(exc)) from None
    return found


def _run_checkpoint(warehouse, checkpoint, since, until) -> dict:
    from nbadq.validation import run_checkpoint  # Great Expectations is heavy: only when a run needs it

    return run_checkpoint(warehouse, checkpoint, since, until)


def _report_stop(stop: StopFlag, ledger: Path, out: TextIO) -> None:
    if stop.reason:
        why = {"circuit_open": "the circuit breaker opened"}.get(stop.reason, f"the run was {stop.reason}")
        print(f"\nstopped early: {why}; dates not launched are `not_sent`.", file=out)
        print(f"resume with: nbadq fill --resume {ledger}", file=out)


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None
