"""Refilling exactly the failing dates through the platform's services (`nbadq fill`).

The flow: a validate document -> a plan per layer (plan.py) -> HTTP calls with retries (client.py) -> a re-check
of each date against the rules that made it fail (verify.py) -> an outcome per date, written to an append-only
ledger (ledger.py) -> before/after per layer (summary.py). `local_service/` is a stand-in for the platform's
services, for demos and tests only.
"""
