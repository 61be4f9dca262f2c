"""Issue 8 cases for options and settings every command shares: dates, the bytes cap, and the Slack alert."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path
from typing import Iterator

import pytest

from tests.hostile.harness import assert_one_line_error, run_nbadq, tree_hash

SECRET_PATH = "/services/T0000/B0000/hostilewebhooksecret"  # a webhook URL is a credential: it must never show


@pytest.mark.parametrize("command", ["validate", "fill"])
@pytest.mark.parametrize("option, value", [
    ("--since", "20240105"),      # ISO basic form: date.fromisoformat accepts it on 3.11
    ("--until", "2024-W01-1"),    # ISO week form: likewise
    ("--since", ""),              # an unset shell variable: not "the whole history"
])
def test_dates_only_yyyy_mm_dd(house, tmp_path, command, option, value):
    house.conn.close()
    before = tree_hash(tmp_path)
    result = run_nbadq([command, "--warehouse", house.root, option, value], cwd=tmp_path,
                       env={"NBADQ_PHASE3_URL": "http://127.0.0.1:9", "NBADQ_PHASE4_URL": "http://127.0.0.1:9"})
    assert_one_line_error(result, f"{option} {value!r} is not a date: use YYYY-MM-DD")
    assert tree_hash(tmp_path) == before


@pytest.mark.parametrize("where, needle", [
    ("pyproject", "maximum_bytes_billed in [tool.nbadq] of pyproject.toml must be a whole number of bytes, not 'lots'"),
    ("env", "NBADQ_MAXIMUM_BYTES_BILLED must be a whole number of bytes, not 'lots'"),
])
def test_bad_maximum_bytes_billed_names_its_source(house, tmp_path, where, needle):
    house.conn.close()
    project = tmp_path / "project"
    project.mkdir()
    env = {}
    if where == "pyproject":
        (project / "pyproject.toml").write_text('[tool.nbadq]\nmaximum_bytes_billed = "lots"\n')
    else:
        (project / "pyproject.toml").write_text("[tool.nbadq]\nmaximum_bytes_billed = 1000\n")
        env["NBADQ_MAXIMUM_BYTES_BILLED"] = "lots"
    before = tree_hash(tmp_path)
    result = run_nbadq(["validate", "--warehouse", house.root], cwd=project, env=env)
    assert_one_line_error(result, needle)
    assert tree_hash(tmp_path) == before


@pytest.fixture
def silent_webhook() -> Iterator[str]:
    """A server on 127.0.0.1 that accepts every connection, reads the request, and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            held.append(conn)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}{SECRET_PATH}"
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


def _closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}{SECRET_PATH}"


def _failing_nightly(house, tmp_path: Path, webhook: str):
    house.sql("DELETE FROM nba_analytics.player_game_summary WHERE game_date = '2024-11-06'")
    house.conn.commit()
    house.conn.close()
    started = time.monotonic()
    result = run_nbadq(["validate", "--warehouse", house.root, "--checkpoint", "nightly"], cwd=tmp_path,
                       env={"NBADQ_SLACK_WEBHOOK": webhook, "NBADQ_SLACK_TIMEOUT_SECONDS": "1"}, timeout=90)
    return result, time.monotonic() - started


@pytest.mark.parametrize("case", ["never_answers", "closed_port"])
def test_slack_webhook_failure_is_one_line_and_keeps_the_exit_code(house, tmp_path, request, case):
    webhook = request.getfixturevalue("silent_webhook") if case == "never_answers" else _closed_port_url()
    result, seconds = _failing_nightly(house, tmp_path, webhook)
    why = "no answer within 1 s" if case == "never_answers" else "could not connect to the webhook"
    # Exit 1: the rules failed, whatever happened to the alert; one warning line on stderr says the alert was lost.
    assert_one_line_error(result, "Slack alert not sent", why, "exit code are unchanged", code=1)
    assert "analytics" in result.stdout and "result: rules failed" in result.stdout
    assert "hostilewebhooksecret" not in result.stdout + result.stderr
    assert seconds < 60  # the timeout holds (1 s here); without it the run waited forever
