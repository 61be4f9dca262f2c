"""The nightly checkpoint alerts Slack through GX's SlackNotificationAction only when a webhook is configured."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from nbadq.validation import run_checkpoint


@pytest.fixture
def webhook():
    received: list[dict] = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/hook", received
    server.shutdown()


def test_failure_posts_to_the_configured_webhook(house, webhook, monkeypatch):
    url, received = webhook
    monkeypatch.setenv("NBADQ_SLACK_WEBHOOK", url)
    house.sql("DELETE FROM nba_analytics.player_game_summary WHERE game_date = '2024-11-06'")
    assert run_checkpoint(str(house.root), "nightly")["success"] is False
    assert len(received) == 1
    text = json.dumps(received[0])
    assert "nightly" in text and "analytics" in text


def test_passing_run_sends_nothing(house, webhook, monkeypatch):
    url, received = webhook
    monkeypatch.setenv("NBADQ_SLACK_WEBHOOK", url)
    assert run_checkpoint(str(house.root), "nightly")["success"] is True
    assert received == []


def test_without_a_webhook_the_failing_run_stays_silent(house, webhook, monkeypatch):
    _, received = webhook
    monkeypatch.delenv("NBADQ_SLACK_WEBHOOK", raising=False)
    house.sql("DELETE FROM nba_analytics.player_game_summary WHERE game_date = '2024-11-06'")
    assert run_checkpoint(str(house.root), "nightly")["success"] is False
    assert received == []


def test_checkpoint_updates_data_docs(house):
    import os
    from pathlib import Path

    run_checkpoint(str(house.root), "grading")
    site = Path(os.environ["NBADQ_PROJECT_ROOT"]) / "uncommitted" / "data_docs" / "local_site"
    index = (site / "index.html").read_text()
    assert "grading" in index
    assert list((site / "validations" / "grading").rglob("*.html"))
