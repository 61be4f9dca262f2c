"""A local stand-in for the platform's four refill services: FOR DEMOS AND TESTS ONLY.

`nbadq serve-local` answers POST /process-date (Phase 4), POST /process-date-range (Phase 3), the prediction
coordinator's POST /start and GET /status, and the grading service's /grade-date as the contract describes them
(section 4; the routes in service.py), computing rows from a local warehouse with the simulated processors in
`nbadq.sample.processors`, including the real services' silent successes (bootstrap days answer 200 "success"
with nothing written; a batch "complete" with nothing predicted). It has no authentication and listens on
127.0.0.1 only: it refuses any other address. Faults (silent dates, transient 503s, hangs, expiring tokens,
latency) can be injected for tests, on every route: see faults.py.
"""

from nbadq.backfill.local_service.faults import Faults, parse_faults
from nbadq.backfill.local_service.server import LocalService

__all__ = ["Faults", "LocalService", "parse_faults"]
