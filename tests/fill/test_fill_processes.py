"""The real commands as processes: `nbadq serve-local` and `nbadq fill`, killed with -9 and resumed, interrupted
with Ctrl-C (SIGINT) and SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import requests

from nbadq.backfill.ledger import filled_dates, read_ledger
from tests.fill.conftest import EXTRA_DAYS, add_game_days
from tests.fill.direct_validate import write_validate_doc
from tests.hostile.harness import wait_for

NBADQ = [sys.executable, "-m", "nbadq.cli.main"]
CONFIG = ('retry_base_seconds = 0.05\n[precompute]\nkind = "phase4"\nurl_env = "NBADQ_PHASE4_URL"\n'
          'timeout_seconds = 10\n')


def _outcomes(ledger: Path) -> list[dict]:
    return [r for r in read_ledger(ledger) if r["event"] == "outcome"] if ledger.exists() else []


@pytest.fixture
def night(house, tmp_path):
    """Ten processable dates failing precompute, a validate document for them, a fill config, an environment."""
    add_game_days(house, EXTRA_DAYS)
    write_validate_doc(house.root, tmp_path / "validate.json")
    (tmp_path / "fill.toml").write_text(CONFIG)
    return house.root


def _serve_local(root: Path, tmp_path: Path, latency: float) -> tuple[subprocess.Popen, str]:
    port_file = tmp_path / "port"
    proc = subprocess.Popen([*NBADQ, "serve-local", "--warehouse", str(root), "--port", "0", "--port-file",
                             str(port_file), "--latency", str(latency), "--quiet"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    port = wait_for(lambda: port_file.exists() and port_file.read_text().strip(), "serve-local's port")
    return proc, f"http://127.0.0.1:{port}"


def _fill(tmp_path: Path, url: str, *args: str) -> subprocess.Popen:
    env = {**os.environ, "NBADQ_PHASE4_URL": url}
    return subprocess.Popen([*NBADQ, "fill", "--config", str(tmp_path / "fill.toml"), *args], cwd=tmp_path,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_killed_with_sigkill_then_resumed_loses_nothing_and_repeats_nothing(night, tmp_path):
    service, url = _serve_local(night, tmp_path, latency=0.3)
    ledger = tmp_path / "night.jsonl"
    try:
        first = _fill(tmp_path, url, "--warehouse", str(night), "--from-validate", str(tmp_path / "validate.json"),
                      "--ledger", str(ledger), "--workers", "1")
        wait_for(lambda: len(_outcomes(ledger)) >= 3, "three outcomes")
        first.send_signal(signal.SIGKILL)
        first.communicate(timeout=10)
        assert first.returncode == -signal.SIGKILL
        filled_before = {d.isoformat() for _, d in filled_dates(read_ledger(ledger))}
        assert len(filled_before) >= 3
        sent_before = len(requests.get(f"{url}/_requests").json())

        # The resume validates for real (Great Expectations), then sends only what is still failing.
        second = _fill(tmp_path, url, "--warehouse", str(night), "--resume", str(ledger), "--json",
                       str(tmp_path / "resumed.json"), "--layer", "precompute")  # predictions have no filler
        out, err = second.communicate(timeout=120)
        log = requests.get(f"{url}/_requests").json()
    finally:
        service.send_signal(signal.SIGTERM)
        service.communicate(timeout=10)

    assert second.returncode == 0, out + err
    resent = [r["body"]["analysis_date"] for r in log[sent_before:]]
    assert not set(resent) & filled_before  # no filled date is sent again
    assert len(resent) == len(set(resent))
    # Each date has exactly one `filled` outcome across both runs. A date in flight at the kill either was
    # written by the service (the resume finds it passing and records its outcome) or is sent again.
    filled = Counter(r["date"] for r in _outcomes(ledger) if r["status"] == "filled")
    assert filled == Counter(EXTRA_DAYS)
    doc = json.loads((tmp_path / "resumed.json").read_text())
    assert doc["after"]["precompute"]["failing_dates"] == []
    assert doc["before"]["precompute"]["failing_dates"] == sorted(resent)  # what still failed, and only that
    assert service.returncode == 0


@pytest.mark.parametrize("signum, code, word", [(signal.SIGINT, 130, "interrupted"),
                                                (signal.SIGTERM, 143, "terminated")])
def test_a_signal_stops_launching_finishes_in_flight_and_writes_everything(night, tmp_path, serve, signum, code,
                                                                           word):
    svc = serve(night, latency=0.4)
    ledger, out_json = tmp_path / "l.jsonl", tmp_path / "fill.json"
    proc = _fill(tmp_path, svc.url, "--warehouse", str(night), "--from-validate", str(tmp_path / "validate.json"),
                 "--ledger", str(ledger), "--json", str(out_json), "--workers", "2")
    wait_for(lambda: len(_outcomes(ledger)) >= 2, "two outcomes")
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=20)

    assert proc.returncode == code, out + err
    assert f"{word}: launching nothing more; waiting for the calls in flight" in out
    sent = [r["body"]["analysis_date"] for r in svc.requests()]
    doc = json.loads(out_json.read_text())
    statuses = {d: o["status"] for d, o in doc["outcomes"]["precompute"].items()}
    # Every date launched was finished and proven; every other date was not sent.
    assert sorted(d for d, s in statuses.items() if s == "filled") == sorted(sent)
    assert sorted(d for d, s in statuses.items() if s == "not_sent") == sorted(set(EXTRA_DAYS) - set(sent))
    assert 2 <= len(sent) < len(EXTRA_DAYS)
    assert doc["stopped"] == word and doc["after"] == {}
    assert [r for r in read_ledger(ledger) if r["event"] == "end"][0]["exit_code"] == code
    assert f"resume with: nbadq fill --resume {ledger}" in out
