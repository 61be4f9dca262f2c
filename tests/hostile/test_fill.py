"""Issue 8, `nbadq fill`: the exit code and the files tell the truth, and no credential leaks.

Every case runs the real command in a subprocess against a real local warehouse and a real HTTP service on
127.0.0.1 (serve-local, or a scripted one below for answers serve-local never gives). Runs that only set the scene
(a first fill that writes a ledger) run in-process with the direct validator, to keep the suite quick.
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Callable

import pytest

from nbadq.backfill.command import FillOptions, Hooks, run_fill
from nbadq.backfill.ledger import read_ledger
from nbadq.backfill.local_service import LocalService
from tests.fill.conftest import EXTRA_DAYS, add_game_days, drop_phase4
from tests.fill.direct_validate import direct_checkpoint, write_validate_doc
from tests.hostile.harness import assert_one_line_error, run_nbadq, tree_hash, wait_for
from nbadq.warehouse.local import open_connection
from tests.minihouse import copy_warehouse

DAYS = EXTRA_DAYS[:3]  # processable game days without Phase 4 rows: each fails precompute.completeness
CONFIG = ('retry_base_seconds = 0.01\nretry_max_seconds = 0.05\n[precompute]\nkind = "phase4"\n'
          'url_env = "NBADQ_PHASE4_URL"\ntimeout_seconds = 20\n')
NBADQ = [sys.executable, "-m", "nbadq.cli.main"]


@pytest.fixture
def night(house, tmp_path) -> Path:
    """A closed warehouse failing precompute on DAYS, a validate document for it (which builds its calendar), and
    the fill configuration at tmp_path/fill.toml."""
    add_game_days(house, DAYS)
    house.conn.close()  # checkpoint the WAL now, so the platform files' bytes are stable from here on
    write_validate_doc(house.root, tmp_path / "validate.json")
    (tmp_path / "fill.toml").write_text(CONFIG)
    return house.root


@pytest.fixture
def service(night):
    svc = LocalService(night, port=0).start()
    yield svc
    svc.close()


def _platform_files(root: Path) -> dict[str, str]:
    """Hashes of the files nbadq must never change by itself (its own nba_dq.sqlite and SQLite's -wal/-shm aside)."""
    return {k: v for k, v in tree_hash(root).items() if k.endswith(".sqlite") and "nba_dq" not in k}


def _break_again(root: Path, day: str) -> None:
    conn = open_connection(root, write=True)
    try:
        drop_phase4(SimpleNamespace(conn=conn), [day])
    finally:
        conn.close()


def _fill_args(tmp_path: Path, night: Path, *args: str) -> list[str]:
    return ["fill", "--warehouse", str(night), "--config", str(tmp_path / "fill.toml"),
            "--from-validate", str(tmp_path / "validate.json"), *args]


def _fill_in_process(night: Path, url: str, ledger: Path) -> int:
    """A first run that writes `ledger` (the scene for a resume), validated with the direct engine."""
    opts = FillOptions(warehouse=str(night), config=ledger.parent / "fill.toml", ledger=ledger, layers=("precompute",))
    hooks = Hooks(validate=direct_checkpoint, environ={"NBADQ_PHASE4_URL": url}, tty=False)
    return run_fill(opts, out=io.StringIO(), err=io.StringIO(), hooks=hooks)


def _start(tmp_path: Path, url: str, *args: str) -> subprocess.Popen:
    env = {**os.environ, "NBADQ_PHASE4_URL": url}
    env.pop("NBADQ_DEBUG", None)
    return subprocess.Popen([*NBADQ, *args], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _records(ledger: Path, event: str) -> list[dict]:
    return [r for r in read_ledger(ledger) if r["event"] == event] if ledger.exists() else []


def _sent(svc: LocalService) -> list[str]:
    return [r["body"]["analysis_date"] for r in svc.requests()]


class _Scripted(ThreadingHTTPServer):
    """A filler on 127.0.0.1 that answers `reply(date, authorization) -> (status, body text, headers)` and logs
    every request's date: for answers serve-local never gives (echoed headers, long Retry-After)."""

    daemon_threads = True

    def __init__(self, reply: Callable[[str, str], tuple[int, str, dict[str, str]]]) -> None:
        self.reply, self.dates = reply, []
        super().__init__(("127.0.0.1", 0), _ScriptedHandler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _ScriptedHandler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.dates.append(body["analysis_date"])  # type: ignore[attr-defined]
        status, text, headers = self.server.reply(body["analysis_date"],  # type: ignore[attr-defined]
                                                  self.headers.get("Authorization", ""))
        data = text.encode()
        self.send_response(status)
        for name, value in {"Content-Length": str(len(data)), **headers}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def scripted():
    started: list[_Scripted] = []

    def start(reply) -> _Scripted:
        started.append(_Scripted(reply))
        return started[-1]

    yield start
    for server in started:
        server.shutdown()
        server.server_close()


# -- case 1: exit 0 only when every planned date is proven in SQL ---------------------------------------------------

def test_resume_with_a_ledger_written_against_another_warehouse_is_exit_2(night, service, tmp_path):
    other = copy_warehouse(night, tmp_path / "other")  # the same defects, another warehouse
    ledger = tmp_path / "night.jsonl"
    assert _fill_in_process(night, service.url, ledger) == 0  # fills `night`; the ledger records DAYS as filled
    before = tree_hash(tmp_path)

    result = run_nbadq(["fill", "--warehouse", str(other), "--config", str(tmp_path / "fill.toml"),
                        "--resume", str(ledger)], cwd=tmp_path, env={"NBADQ_PHASE4_URL": service.url})

    assert_one_line_error(result, f"--resume {ledger}: the ledger was written against local:{night.resolve()}",
                          f"not local:{other.resolve()}")
    assert tree_hash(tmp_path) == before
    assert Counter(_sent(service)) == Counter(DAYS)  # only the first run's requests


def test_resumed_filled_records_are_re_proven_in_sql_before_they_are_trusted(night, service, tmp_path):
    ledger = tmp_path / "night.jsonl"
    assert _fill_in_process(night, service.url, ledger) == 0
    _break_again(night, DAYS[0])
    write_validate_doc(night, tmp_path / "validate.json")  # DAYS[0] fails again; the ledger still says filled

    result = run_nbadq(_fill_args(tmp_path, night, "--resume", str(ledger), "--layer", "precompute", "--json",
                                  str(tmp_path / "resumed.json")), cwd=tmp_path,
                       env={"NBADQ_PHASE4_URL": service.url})

    assert result.code == 0, result.stdout + result.stderr
    sent = _sent(service)
    assert (Counter(sent), sent[-1]) == (Counter([*DAYS, DAYS[0]]), DAYS[0])  # the record was no proof: sent again
    doc = json.loads((tmp_path / "resumed.json").read_text())
    assert doc["outcomes"]["precompute"] == {DAYS[0]: {"status": "filled", "attempts": 1, "last_http_status": 200}}
    assert doc["after"]["precompute"]["failing_dates"] == []
    assert f"(resume: {ledger} records 3 date(s) as filled; 1 of them fail now and are sent again)" in result.stdout
    assert [r["event"] for r in read_ledger(ledger)].count("run") == 2  # appended to, never rewritten


def test_a_layer_with_failing_dates_and_no_filler_is_exit_1_and_named(night, tmp_path):
    elsewhere = tmp_path / "elsewhere"  # a directory without the fill configuration
    elsewhere.mkdir()
    platform = _platform_files(night)

    result = run_nbadq(["fill", "--warehouse", str(night), "--from-validate", str(tmp_path / "validate.json"),
                        "--json", "out.json"], cwd=elsewhere)

    assert result.code == 1, result.stdout + result.stderr
    assert result.stderr == ""
    assert "  precompute: 3 failing date(s) and no filler configured" in result.stdout
    assert "  predictions: 3 failing date(s) and no filler configured" in result.stdout
    doc = json.loads((elsewhere / "out.json").read_text())
    assert (doc["exit_code"], doc["no_filler"]["precompute"]) == (1, list(DAYS))
    assert _platform_files(night) == platform
    written = sorted(str(p.relative_to(elsewhere)) for p in elsewhere.rglob("*") if p.is_file())
    assert written[0] == "out.json" and len(written) == 2 and written[1].startswith("uncommitted/fills/fill-")


# -- case 2: output paths are checked before any work -----------------------------------------------------------------

@pytest.mark.parametrize("option, target", [("--json", "a-directory"), ("--json", "missing/fill.json"),
                                            ("--ledger", "a-directory"), ("--json", "a-fifo")])
def test_fill_output_paths_are_checked_before_any_request(night, service, tmp_path, option, target):
    (tmp_path / "a-directory").mkdir()
    os.mkfifo(tmp_path / "a-fifo")
    before = tree_hash(tmp_path)

    result = run_nbadq(_fill_args(tmp_path, night, option, str(tmp_path / target)), cwd=tmp_path,
                       env={"NBADQ_PHASE4_URL": service.url})

    assert_one_line_error(result, f"{option} {tmp_path / target}")
    assert service.requests() == []
    assert tree_hash(tmp_path) == before


# -- case 3: no token in any output ------------------------------------------------------------------------------------

TOKEN = "ZqTokenXy" + "k7Wm3Vp9Rt2Lq8Hs5Dn4Gf6Jb1Nc0"
PAD = "x" * 185  # the echoed header starts before the 200th character and ends after it


def _echo(day: str, authorization: str) -> tuple[int, str, dict[str, str]]:
    if day == DAYS[0]:  # a 2xx carrying a processor error that quotes the request
        return 200, json.dumps({"status": "completed", "results": [
            {"processor": "PlayerDailyCacheProcessor", "status": "error",
             "error": f"upstream refused request with Authorization: {authorization}"}]}), {}
    status = 401 if day == DAYS[1] else 500
    return status, f"{PAD} Authorization: {authorization} (echoed)", {}


def test_a_token_echoed_by_the_service_appears_in_no_output(night, scripted, tmp_path):
    server = scripted(_echo)
    (tmp_path / "print_id_token.py").write_text(f"print({TOKEN!r})\n")
    ledger, out_json = tmp_path / "l.jsonl", tmp_path / "fill.json"

    command = f"{sys.executable} {tmp_path / 'print_id_token.py'}"  # not token.py: it would shadow the stdlib
    result = run_nbadq(_fill_args(tmp_path, night, "--token-command", command,
                                  "--ledger", str(ledger), "--json", str(out_json), "--layer", "precompute"),
                       cwd=tmp_path, env={"NBADQ_PHASE4_URL": server.url})

    assert result.code == 1, result.stdout + result.stderr
    # 200 with a processor error: 1 request; 401: one more with a fresh token; 500: all 4 attempts.
    assert Counter(server.dates) == {DAYS[0]: 1, DAYS[1]: 2, DAYS[2]: 4}, result.stdout
    outputs = {"stdout": result.stdout, "stderr": result.stderr, "ledger": ledger.read_text(),
               "json": out_json.read_text()}
    pieces = {TOKEN[i:i + 8] for i in range(len(TOKEN) - 7)}
    for name, text in outputs.items():
        assert not [p for p in pieces if p in text], name
    # What the service said is still shown, with the credential scrubbed.
    assert "PlayerDailyCacheProcessor: error (upstream refused request with Authorization: Bearer [redacted]" \
        in outputs["ledger"]
    assert f"HTTP 401: {PAD} Authorization: Bearer [r" in outputs["ledger"]  # redacted, then cut
    assert f"HTTP 500: {PAD} Authorization: Bearer [r" in outputs["stdout"]


# -- case 4: a token command that cannot be run as given -------------------------------------------------------------

@pytest.mark.parametrize("command, needle", [("", "--token-command is empty"),
                                             ("print-token --audience 'https://x", "no closing quotation")])
def test_an_empty_or_unbalanced_token_command_is_exit_2_before_any_request(night, service, tmp_path, command,
                                                                           needle):
    before = tree_hash(tmp_path)

    result = run_nbadq(_fill_args(tmp_path, night, "--token-command", command), cwd=tmp_path,
                       env={"NBADQ_PHASE4_URL": service.url})

    assert_one_line_error(result, needle)
    assert service.requests() == []
    assert tree_hash(tmp_path) == before


# -- case 5: one run per ledger ---------------------------------------------------------------------------------------

def test_a_second_run_on_a_ledger_in_use_is_exit_2_naming_the_holder(night, tmp_path):
    svc = LocalService(night, port=0, latency=1.0).start()
    ledger = tmp_path / "night.jsonl"
    first = _start(tmp_path, svc.url, *_fill_args(tmp_path, night, "--ledger", str(ledger), "--workers", "1"))
    try:
        wait_for(lambda: _records(ledger, "send"), "the first run's first request")
        others = lambda: tree_hash(tmp_path, ignore={ledger.name, night.name})  # noqa: E731
        before = others()

        second = run_nbadq(_fill_args(tmp_path, night, "--ledger", str(ledger)), cwd=tmp_path,
                           env={"NBADQ_PHASE4_URL": svc.url})

        assert_one_line_error(second, f"ledger {ledger} is in use by another nbadq fill (pid {first.pid})")
        assert others() == before
    finally:
        first.send_signal(signal.SIGTERM)
        first.communicate(timeout=30)
        svc.close()
    assert first.returncode == 143
    assert max(Counter(_sent(svc)).values()) == 1  # no date was sent twice
    assert {r["run_id"] for r in read_ledger(ledger)} == {_records(ledger, "run")[0]["run_id"]}


# -- case 6: SIGTERM ends a run exactly as Ctrl-C does ----------------------------------------------------------------

def _assert_ended_cleanly(proc: subprocess.Popen, ledger: Path, out_json: Path, code: int, word: str) -> None:
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == code, out + err
    assert "Traceback" not in out + err
    doc = json.loads(out_json.read_text())
    assert (doc["stopped"], doc["exit_code"], doc["after"]) == (word, code, {})
    assert [r["exit_code"] for r in _records(ledger, "end")] == [code]


@pytest.mark.parametrize("signum, code, word", [(signal.SIGTERM, 143, "terminated"),
                                                (signal.SIGINT, 130, "interrupted")])
def test_a_signal_during_the_re_validation_still_writes_the_json_and_the_end_record(night, service, tmp_path,
                                                                                   signum, code, word):
    ledger, out_json = tmp_path / "l.jsonl", tmp_path / "fill.json"
    proc = _start(tmp_path, service.url, *_fill_args(tmp_path, night, "--ledger", str(ledger), "--json",
                                                     str(out_json), "--layer", "precompute"))
    wait_for(lambda: len(_records(ledger, "outcome")) == len(DAYS), "every outcome")
    time.sleep(0.5)  # into the re-validation (Great Expectations takes seconds to load alone)
    assert proc.poll() is None
    proc.send_signal(signum)

    _assert_ended_cleanly(proc, ledger, out_json, code, word)
    assert Counter(_sent(service)) == Counter(DAYS)
    assert {d: o["status"] for d, o in json.loads(out_json.read_text())["outcomes"]["precompute"].items()} == \
        dict.fromkeys(DAYS, "filled")


@pytest.mark.parametrize("signum, code, word", [(signal.SIGTERM, 143, "terminated"),
                                                (signal.SIGINT, 130, "interrupted")])
def test_a_signal_while_waiting_on_retry_after_sends_no_new_request(night, scripted, tmp_path, signum, code, word):
    server = scripted(lambda day, auth: (429, '{"error": "busy"}', {"Retry-After": "30"}))
    ledger, out_json = tmp_path / "l.jsonl", tmp_path / "fill.json"
    proc = _start(tmp_path, server.url, *_fill_args(tmp_path, night, "--ledger", str(ledger), "--json",
                                                    str(out_json), "--layer", "precompute", "--workers", "1"))
    wait_for(lambda: _records(ledger, "attempt"), "the first answer")
    time.sleep(0.3)  # now waiting the 30 s the service asked for
    proc.send_signal(signum)
    started = time.monotonic()

    _assert_ended_cleanly(proc, ledger, out_json, code, word)
    assert time.monotonic() - started < 20
    assert server.dates == [DAYS[0]]  # the retry was never sent, nor any other date
    statuses = json.loads(out_json.read_text())["outcomes"]["precompute"]
    assert statuses[DAYS[0]] == {"status": "failed", "attempts": 1, "last_http_status": 429}
    assert [statuses[d]["status"] for d in DAYS[1:]] == ["not_sent", "not_sent"]


# -- case 7: --from-validate on a warehouse never validated ----------------------------------------------------------

def test_from_validate_on_a_never_validated_warehouse_says_what_to_run(night, service, tmp_path):
    fresh = copy_warehouse(night, tmp_path / "fresh")
    (fresh / "nba_dq.sqlite").unlink()  # the calendar a validation would have built
    before = tree_hash(tmp_path)

    result = run_nbadq(["fill", "--warehouse", str(fresh), "--config", str(tmp_path / "fill.toml"),
                        "--from-validate", str(tmp_path / "validate.json")], cwd=tmp_path,
                       env={"NBADQ_PHASE4_URL": service.url})

    assert_one_line_error(result, f"run `nbadq validate --warehouse {fresh}` first")
    assert service.requests() == []
    assert tree_hash(tmp_path) == before
