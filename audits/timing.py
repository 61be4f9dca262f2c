"""Where a run spends its time, on standard error when NBADQ_AUDIT_TIMINGS=1 (for the benchmark and for tuning)."""

from __future__ import annotations

import os
import sys
import time


class Phases:
    def __init__(self) -> None:
        self.enabled = os.environ.get("NBADQ_AUDIT_TIMINGS") == "1"
        self._wall = time.perf_counter()
        self._cpu = time.process_time()

    def mark(self, name: str) -> None:
        """Wall time since the previous mark, and this process's CPU time (workers not included)."""
        if not self.enabled:
            return
        wall, cpu = time.perf_counter(), time.process_time()
        sys.stderr.write(f"nbadq audit timing: {name:<12} wall {wall - self._wall:7.3f} s  "
                         f"main cpu {cpu - self._cpu:7.3f} s\n")
        self._wall, self._cpu = wall, cpu
