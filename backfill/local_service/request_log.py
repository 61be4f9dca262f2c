"""Every request the local service received, in arrival order: what tests assert ("exactly these requests").

Served at GET /_requests. Tokens are never stored: only the first 16 hex digits of their SHA-256, enough for a
test to tell which token a request carried.
"""

from __future__ import annotations

import copy
import hashlib
import threading
import time
from typing import Any


def token_fingerprint(token: str | None) -> str | None:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()[:16] if token else None


class RequestLog:
    def __init__(self) -> None:
        self._entries: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._started = time.monotonic()

    def start(self, method: str, path: str, body: Any, token: str | None,
              query: dict[str, str] | None = None) -> dict[str, Any]:
        with self._lock:
            entry = {"seq": len(self._entries) + 1, "method": method, "path": path, "query": query or {},
                     "body": body,
                     "token_sha256": token_fingerprint(token), "status": None,
                     "received_s": round(time.monotonic() - self._started, 4), "duration_s": None}
            self._entries.append(entry)
            return entry

    def finish(self, entry: dict[str, Any], status: int, duration: float) -> None:
        with self._lock:
            entry["status"] = status
            entry["duration_s"] = round(duration, 4)

    def snapshot(self) -> list[dict[str, Any]]:
        with self._lock:
            return copy.deepcopy(self._entries)
