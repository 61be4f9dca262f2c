"""The outcomes a refilled date can end with, named once: fill decides them, the report and fill.schema.json show
them. Here in nbadq/ rather than in backfill/ because the report reads them and nbadq/ never imports backfill/.

filled          the date now passes the rules that made it fail (whatever the service answered)
silent_failure  the service answered 2xx without reporting an error, and the date still fails
failed          the call failed (HTTP or transport error after retries), the service reported a processor
                error, or the re-check itself could not run; and the date still fails
not_sent        the date was never sent: the circuit breaker opened or the run was interrupted
blocked_upstream  the service refused the date because the data it reads upstream is incomplete (the prediction
                coordinator's 503 DATA_INCOMPLETE, with its details), and the date still fails: fill upstream first;
                or fill did not send it because what it reads fails where no service refills (an analytics date
                whose raw gamebook is missing, or a grading date of it)
"""

from __future__ import annotations

FILLED = "filled"
SILENT_FAILURE = "silent_failure"
FAILED = "failed"
NOT_SENT = "not_sent"
BLOCKED_UPSTREAM = "blocked_upstream"
STATUSES: tuple[str, ...] = (FILLED, SILENT_FAILURE, FAILED, NOT_SENT, BLOCKED_UPSTREAM)
