"""HTTP plumbing of the local service: read the request, ask the Service, write JSON back, log it."""

from __future__ import annotations

import json
import sys
import time
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from nbadq.backfill.local_service.calls import Call

MAX_BODY_BYTES = 1 << 20


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: a client's connection pool is reused across dates
    server_version = "nbadq-serve-local"

    def do_GET(self) -> None:  # noqa: N802 (http.server naming)
        if self.path == "/_requests":
            self._send(200, self.server.log.snapshot())  # type: ignore[attr-defined]
        elif self.path == "/healthz":
            self._send(200, {"status": "ok"})
        else:
            self._serve("GET", None)

    def do_POST(self) -> None:  # noqa: N802
        self._serve("POST", self._read_json())

    def _serve(self, method: str, body: Any) -> None:
        started = time.monotonic()
        parts = urlsplit(self.path)
        call = Call(method, parts.path, dict(parse_qsl(parts.query)), body,
                    _bearer(self.headers.get("Authorization")), self.headers.get("X-API-Key"))
        entry = self.server.log.start(method, call.path, body, call.token, call.query)  # type: ignore[attr-defined]
        reply = self.server.service.answer(call)  # type: ignore[attr-defined]
        self.server.log.finish(entry, reply.status, time.monotonic() - started)  # type: ignore[attr-defined]
        if self.server.verbose:  # type: ignore[attr-defined]
            sys.stderr.write(f"{method} {call.path} {_what(call)} -> {reply.status} "
                             f"({time.monotonic() - started:.2f} s)\n")
        try:
            self._send(reply.status, reply.payload, reply.headers)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout on a hang): nothing to tell it

    def _read_json(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(min(length, MAX_BODY_BYTES)) if length else b""
        try:
            return json.loads(raw) if raw else None
        except (json.JSONDecodeError, UnicodeDecodeError):
            return None

    def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (http.server's signature)
        return  # one line per request is written by do_POST when verbose; nothing else


def _what(call: Call) -> str:
    """The date(s) a request is about, for the one line per request."""
    body = call.body if isinstance(call.body, dict) else {}
    if "start_date" in body:
        return f"{body.get('start_date')}..{body.get('end_date')}"
    found = body.get("analysis_date") or body.get("game_date") or body.get("date") or \
        call.query.get("date") or call.query.get("batch_id")
    return str(found) if found else "?"


def _bearer(header: str | None) -> str | None:
    if header and header.startswith("Bearer "):
        return header[len("Bearer "):].strip() or None
    return None
