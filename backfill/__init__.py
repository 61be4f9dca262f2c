"""Refilling exactly the failing dates through the platform's services (`nbadq fill`).

The flow: a validate document -> a graph of (layer, date) steps, failing dates and the cascade they make stale
(plan.py, cascade.py, steps.py) -> HTTP calls with retries (client.py), each as soon as its upstream steps are proven
(scheduler.py, runner.py) -> a re-check of each date against the rules that made it fail, or for a cascade step its
rows rewritten after the request (verify.py) -> an outcome per date, written to an append-only ledger (ledger.py)
-> before/after per layer (summary.py). `local_service/` is a stand-in for the platform's
services, for demos and tests only.
"""
