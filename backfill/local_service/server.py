"""The local service's HTTP server: threads on 127.0.0.1 only. For demos and tests; see __init__.py."""

from __future__ import annotations

import threading
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any, Mapping

from nbadq.backfill.local_service.faults import Faults
from nbadq.backfill.local_service.handlers import Handler
from nbadq.backfill.local_service.processing import Processing
from nbadq.backfill.local_service.request_log import RequestLog
from nbadq.backfill.local_service.service import Service
from nbadq.errors import UsageError

LOOPBACK_HOSTS = {"127.0.0.1": "127.0.0.1", "localhost": "127.0.0.1"}


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a hung request must not keep the process alive
    allow_reuse_address = False
    request_queue_size = 64

    def __init__(self, address: tuple[str, int], service: Service, log: RequestLog, verbose: bool) -> None:
        self.service = service
        self.log = log
        self.verbose = verbose
        super().__init__(address, Handler)


class LocalService:
    """`with LocalService(warehouse, port=0) as svc: svc.url` serves in a background thread until the block ends."""

    def __init__(self, warehouse: Path, port: int = 0, latency: float = 0.0, max_concurrency: int = 5,
                 faults: Faults | None = None, retry_after: int = 1, host: str = "127.0.0.1",
                 verbose: bool = False, latencies: Mapping[str, float] | None = None,
                 grading_concurrency: int = 2, api_key: str | None = None) -> None:
        """`latencies`: layer (analytics, precompute, predictions, grading) -> seconds, over `latency`."""
        if host not in LOOPBACK_HOSTS:
            raise UsageError(f"serve-local listens on 127.0.0.1 only (it has no authentication), not {host!r}")
        for flag, value in (("--max-concurrency", max_concurrency), ("--grading-concurrency", grading_concurrency)):
            if value < 1:
                raise UsageError(f"{flag} must be at least 1, not {value}")
        for layer, seconds in {"": latency, **(latencies or {})}.items():
            if seconds < 0:
                raise UsageError(f"--latency {layer + '=' if layer else ''}{seconds}: must be >= 0")
        self.processing = Processing(Path(warehouse), connections=max_concurrency)
        self.service = Service(self.processing, faults or Faults(), latency, max_concurrency, retry_after,
                               latencies=latencies, grading_concurrency=grading_concurrency, api_key=api_key)
        self.log = RequestLog()
        try:
            self._server = _Server((LOOPBACK_HOSTS[host], port), self.service, self.log, verbose)
        except OSError as exc:
            self.processing.close()
            raise UsageError(f"cannot listen on 127.0.0.1:{port} ({exc.strerror}); pass --port 0 for a free port") \
                from None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def requests(self) -> list[dict[str, Any]]:
        return self.log.snapshot()

    def serve_forever(self) -> None:
        self._server.serve_forever(poll_interval=0.1)

    def start(self) -> "LocalService":
        self._thread = threading.Thread(target=self.serve_forever, name="serve-local", daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        self.service.stopping.set()
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
        self._server.server_close()
        self.processing.close()

    def __enter__(self) -> "LocalService":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()
