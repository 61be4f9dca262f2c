"""Progress while dates are refilled: a bar on a terminal (dates done of total, failures, ETA), plain lines otherwise.

Plain lines are for logs and CI, one per date outcome:
    [12/200] precompute 2024-11-05 filled (1 attempt, HTTP 200) failures=0 eta 0:01:10
"""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO

from nbadq.backfill.outcomes import Outcome


class Progress:
    def __init__(self, total: int, out: TextIO | None = None, tty: bool | None = None) -> None:
        self.total = total
        self.done = 0
        self.failures = 0
        self._out = out or sys.stdout
        self._started = time.monotonic()
        self._lock = threading.Lock()
        self._bar = None
        if (sys.stderr.isatty() if tty is None else tty) and total:
            from tqdm import tqdm

            self._bar = tqdm(total=total, unit="date", desc="fill", file=sys.stderr, dynamic_ncols=True,
                             postfix={"failures": 0})

    def note(self, text: str) -> None:
        with self._lock:
            if self._bar is not None:
                self._bar.write(text, file=self._out)
            else:
                print(text, file=self._out, flush=True)

    def outcome(self, o: Outcome) -> None:
        with self._lock:
            self.done += 1
            self.failures += o.bad
            if self._bar is not None:
                self._bar.update(1)
                self._bar.set_postfix(failures=self.failures)
                if o.bad:
                    self._bar.write(f"{o.layer} {o.date} {o.status}: {o.detail}", file=self._out)
                return
            print(f"[{self.done}/{self.total}] {o.layer} {o.date} {o.status} ({describe_attempts(o)})"
                  f"{'' if not o.bad else ': ' + o.detail} failures={self.failures} eta {self._eta()}",
                  file=self._out, flush=True)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def _eta(self) -> str:
        if not self.done:
            return "?"
        left = (time.monotonic() - self._started) / self.done * (self.total - self.done)
        return time.strftime("%H:%M:%S", time.gmtime(left)) if left < 86400 else ">1 day"


def describe_attempts(o: Outcome) -> str:
    tries = f"{o.attempts} attempt" + ("" if o.attempts == 1 else "s")
    return tries + (f", HTTP {o.last_http_status}" if o.last_http_status is not None else "")
