"""The outcomes a refilled date can end with, named once: fill decides them, the report and fill.schema.json show
them. Here in nbadq/ rather than in backfill/ because the report reads them and nbadq/ never imports backfill/.

filled          the date now passes the rules that made it fail (whatever the service answered)
silent_failure  the service answered 2xx without reporting an error, and the date still fails
failed          the call failed (HTTP or transport error after retries), the service reported a processor
                error, or the re-check itself could not run; and the date still fails
not_sent        the date was never sent: the circuit breaker opened or the run was interrupted
"""

from __future__ import annotations

FILLED = "filled"
SILENT_FAILURE = "silent_failure"
FAILED = "failed"
NOT_SENT = "not_sent"
STATUSES: tuple[str, ...] = (FILLED, SILENT_FAILURE, FAILED, NOT_SENT)
