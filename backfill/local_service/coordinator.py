"""The prediction coordinator's batches (contract, section 4): one at a time, written by a background worker.

POST /start answers 202 at once; a worker thread then writes the date's predictions and holds the batch "in
progress" until the latency has passed (like the real workers, which write over the next minutes), then marks
it complete. A second /start while a batch runs gets 409 with the running batch's id. GET /status?batch_id=
answers 200 in_progress | complete, or 404 not_found. "complete" is not proof, as on the platform: a silent or
failing batch completes with nothing written (faults `silent`, `error`); only the rows tell.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable

# What a batch does: write the predictions, complete without writing ("silent"), or fail every request ("error").
WRITE, SILENT, ERROR = "write", "silent", "error"


@dataclass
class Batch:
    batch_id: str
    game_date: dt.date
    total: int
    status: str = "in_progress"  # in_progress | complete
    written: int = 0
    failed: int = 0
    error: str | None = None

    def progress(self) -> dict[str, Any]:
        done = self.total if self.status == "complete" else 0
        return {"expected": self.total, "completed": done - self.failed, "failed": self.failed,
                "predictions_written": self.written}


class Coordinator:
    def __init__(self, predict: Callable[[dt.date], int], stopping: threading.Event) -> None:
        self._predict = predict
        self._stopping = stopping
        self._lock = threading.Lock()
        self._batches: dict[str, Batch] = {}
        self._running: Batch | None = None

    def running(self) -> Batch | None:
        with self._lock:
            return self._running

    def start(self, day: dt.date, total: int, latency: float, mode: str) -> tuple[Batch, bool]:
        """(the new batch, True), or (the running batch, False) when one is already running (a 409)."""
        with self._lock:
            if self._running is not None:
                return self._running, False
            batch = Batch(self._new_id(day), day, total)
            self._batches[batch.batch_id] = self._running = batch
        threading.Thread(target=self._work, args=(batch, latency, mode), name=batch.batch_id, daemon=True).start()
        return batch, True

    def status(self, batch_id: str) -> Batch | None:
        with self._lock:
            return self._batches.get(batch_id)

    def _new_id(self, day: dt.date) -> str:
        epoch = int(time.time())
        while f"batch_{day}_{epoch}" in self._batches:  # two batches of a date in one second stay distinct
            epoch += 1
        return f"batch_{day}_{epoch}"

    def _work(self, batch: Batch, latency: float, mode: str) -> None:
        started = time.monotonic()
        written, failed, error = 0, 0, None
        try:
            if mode == WRITE:
                written = self._predict(batch.game_date)
            elif mode == ERROR:
                failed, error = batch.total, "every worker request failed (injected)"
        except Exception as exc:  # noqa: BLE001 - a worker's crash is reported in /status, never as a traceback
            failed, error = batch.total, f"{type(exc).__name__}: {exc}"
        # The latency is the batch's whole duration, the writing included (like --latency for a processor run).
        self._stopping.wait(max(0.0, latency - (time.monotonic() - started)))
        with self._lock:
            batch.written, batch.failed, batch.error = written, failed, error
            batch.status = "complete"
            self._running = None
