"""Stopping a run cleanly: Ctrl-C / SIGTERM and the circuit breaker both mean "launch nothing more".

In-flight calls finish (their outcomes are written; a call waiting to retry ends with its last answer instead of
trying again), and every date not yet launched ends `not_sent`. A second Ctrl-C or SIGTERM abandons the in-flight
calls at once: the ledger already holds every outcome written so far, and a resume re-checks the abandoned dates.
During the re-validation after the fill no call is in flight, so either signal ends it at once (`Stopped`), and the
run writes its `end` record and JSON the same way for both.
"""

from __future__ import annotations

import os
import signal
import threading
from contextlib import contextmanager
from typing import Callable, Iterator

from nbadq.exitcodes import ExitCode

INTERRUPTED = "interrupted"  # SIGINT
TERMINATED = "terminated"  # SIGTERM
CIRCUIT_OPEN = "circuit_open"
SIGNAL_EXIT_CODES = {INTERRUPTED: ExitCode.INTERRUPTED, TERMINATED: ExitCode.TERMINATED}


class StopFlag:
    """Set by the first reason to stop; later reasons are remembered too (a signal decides the exit code)."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self.reasons: list[str] = []

    def set(self, reason: str) -> bool:
        """Record `reason`; True when it is the first one (the one that stopped the run)."""
        with self._lock:
            self.reasons.append(reason)
            first = not self._event.is_set()
            self._event.set()
            return first

    def is_set(self) -> bool:
        return self._event.is_set()

    def sleep(self, seconds: float) -> None:
        self._event.wait(seconds)

    @property
    def reason(self) -> str | None:
        return self.reasons[0] if self.reasons else None

    @property
    def signal(self) -> str | None:
        return next((r for r in self.reasons if r in SIGNAL_EXIT_CODES), None)

    def exit_code(self) -> ExitCode | None:
        return SIGNAL_EXIT_CODES[self.signal] if self.signal else None


class Stopped(BaseException):
    """Raised in the main thread by SIGINT/SIGTERM under `stop_now_on_signals`. A BaseException, like
    KeyboardInterrupt, so that no `except Exception` in the code it unwinds (Great Expectations) swallows it."""


def _reason(signum: int) -> str:
    return INTERRUPTED if signum == signal.SIGINT else TERMINATED


@contextmanager
def _handling(handler: Callable[[int, object], None]) -> Iterator[None]:
    """`handler` for SIGINT and SIGTERM inside the block, the previous handlers after. Main thread only."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, h in previous.items():
            signal.signal(s, h)


@contextmanager
def stop_now_on_signals(flag: StopFlag) -> Iterator[None]:
    """SIGINT/SIGTERM set the flag and unwind the main thread at once (nothing is in flight to wait for)."""

    def handler(signum: int, _frame: object) -> None:
        if flag.signal is None:
            flag.set(_reason(signum))
        raise Stopped(_reason(signum))

    with _handling(handler):
        yield


@contextmanager
def stop_on_signals(flag: StopFlag, announce: Callable[[str], None]) -> Iterator[None]:
    """SIGINT/SIGTERM stop launching (first one) or abandon in-flight work (second one)."""

    def handler(signum: int, _frame: object) -> None:
        if flag.signal is None:
            flag.set(_reason(signum))
            announce(f"{_reason(signum)}: launching nothing more; waiting for the calls in flight "
                     "(Ctrl-C again abandons them)")
            return
        # Worker threads cannot be cancelled and would keep the interpreter alive until their calls return. Every
        # outcome so far is already on disk (ledger lines are fsynced), so leave now.
        announce("abandoning the calls in flight: their dates have no outcome in the ledger (a resume re-checks them)")
        os._exit(SIGNAL_EXIT_CODES[flag.signal])

    with _handling(handler):
        yield
