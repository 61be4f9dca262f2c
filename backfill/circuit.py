"""The circuit breaker: after 5 consecutive failed dates, stop launching new ones.

When a service is down or rejecting everything, each further date costs up to 4 attempts and 15 minutes of
timeouts and teaches nothing new. A date counts as failed when it ends `failed` or `silent_failure`; a `filled`
date closes the streak. Dates are counted in the order their outcomes arrive.
"""

from __future__ import annotations

import threading

CONSECUTIVE_FAILURES = 5


class CircuitBreaker:
    def __init__(self, threshold: int = CONSECUTIVE_FAILURES) -> None:
        self.threshold = threshold
        self._streak = 0
        self._open = False
        self._lock = threading.Lock()

    def record(self, failed: bool) -> bool:
        """Count one date's outcome; True exactly once, when this outcome opens the circuit."""
        with self._lock:
            self._streak = self._streak + 1 if failed else 0
            if not self._open and self._streak >= self.threshold:
                self._open = True
                return True
            return False
