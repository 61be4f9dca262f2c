"""Small real HTTP servers on 127.0.0.1 for the coordinator and grading edge cases: each answers from a Python
function the test writes, and logs every request (method, path, query, JSON body, auth headers)."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    body: Any
    headers: dict[str, str]


Respond = Callable[[Request], tuple[int, Any]]


@dataclass
class Scripted:
    respond: Respond
    requests: list[Request] = field(default_factory=list)
    url: str = ""

    def seen(self) -> list[tuple[str, str]]:
        """(method, path?query) of every request, in arrival order."""
        return [(r.method, r.path + ("?" + "&".join(f"{k}={v}" for k, v in r.query.items()) if r.query else ""))
                for r in self.requests]


def start(respond: Respond) -> tuple[Scripted, ThreadingHTTPServer]:
    script = Scripted(respond)

    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            request = Request(self.command, parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()},
                              json.loads(raw) if raw else None,
                              {k: v for k, v in self.headers.items() if k.lower() in ("authorization", "x-api-key")})
            script.requests.append(request)
            status, body = script.respond(request)
            data = (body if isinstance(body, str) else json.dumps(body)).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _serve

        def log_message(self, *args: Any) -> None:  # quiet
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    script.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    return script, server
