"""HTTP plumbing of the local service: read the request, ask the Service, write JSON back, log it."""

from __future__ import annotations

import json
import sys
import time
from http.server import BaseHTTPRequestHandler
from typing import Any

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
            self._send(404, {"error": f"no such endpoint {self.path}"})

    def do_POST(self) -> None:  # noqa: N802
        started = time.monotonic()
        body = self._read_json()
        token = _bearer(self.headers.get("Authorization"))
        entry = self.server.log.start("POST", self.path, body, token)  # type: ignore[attr-defined]
        reply = self.server.service.answer(self.path, body, token)  # type: ignore[attr-defined]
        self.server.log.finish(entry, reply.status, time.monotonic() - started)  # type: ignore[attr-defined]
        if self.server.verbose:  # type: ignore[attr-defined]
            what = (body.get("analysis_date") or f"{body.get('start_date')}..{body.get('end_date')}")\
                if isinstance(body, dict) else "?"
            sys.stderr.write(f"POST {self.path} {what} -> {reply.status} ({time.monotonic() - started:.2f} s)\n")
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


def _bearer(header: str | None) -> str | None:
    if header and header.startswith("Bearer "):
        return header[len("Bearer "):].strip() or None
    return None
