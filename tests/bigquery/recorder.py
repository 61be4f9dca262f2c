"""A stand-in for the BigQuery API on 127.0.0.1 that records each request and answers every one with one error
(400 by default: never retried, so the client raises at once and a test reads what was sent)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Recorder:
    def __init__(self, status: int = 400, message: str = "recorded") -> None:
        self.requests: list[tuple[str, str, dict, dict]] = []  # method, path, headers, JSON body
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw.startswith(b"{") else {}
                recorder.requests.append((self.command, self.path, dict(self.headers), body))
                # A 400 is never retried: the client raises at once, and the test reads what was sent.
                reason = {400: "invalid", 403: "accessDenied", 404: "notFound"}.get(status, "backendError")
                payload = json.dumps({"error": {"code": status, "message": message,
                                                "errors": [{"reason": reason, "message": message}]}}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _answer

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def jobs(self) -> list[dict]:
        """Each query sent, as jobs.insert's `configuration` would hold it. The DB-API cursor (the engine GX uses)
        sends jobs.query, whose request carries the same fields flat; they are nested here to compare alike."""
        out = []
        for method, path, _, body in self.requests:
            if method != "POST":
                continue
            if "/jobs" in path:
                out.append(body)
            elif "/queries" in path:
                query = {k: v for k, v in body.items() if k not in ("labels", "location")}
                config = {"query": query, **({"labels": body["labels"]} if "labels" in body else {})}
                out.append({"configuration": config, "jobReference": {"location": body.get("location")}})
        return out

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
