"""Which warehouse a record was written against: a label for people and a fingerprint for comparison.

A fill ledger records the warehouse it was written against, so `--resume` against another one is refused instead of
skipping dates that were "filled" somewhere else. The fingerprint is a digest of the warehouse's location (the
resolved directory of a local warehouse, the project of a BigQuery one), not of its contents: the schedule is
append-only and scraped every few hours, so a digest of its rows would change between a killed run and its resume
and refuse a legitimate resume. What a location cannot tell (a warehouse rebuilt in the same directory) is caught
by the second guard: every date a resumed ledger records as filled is re-proven in SQL before it is skipped.
Nothing here opens the warehouse.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

from nbadq.warehouse import BIGQUERY_SCHEME


@dataclass(frozen=True)
class WarehouseIdentity:
    label: str  # "local:/abs/path" or "bigquery://PROJECT"
    fingerprint: str  # 16 hex digits of sha256(label)


def identify(target: str) -> WarehouseIdentity:
    """The identity of the warehouse `target` (a directory or bigquery://PROJECT, as settings resolve it)."""
    if target.startswith(BIGQUERY_SCHEME):
        label = BIGQUERY_SCHEME + target[len(BIGQUERY_SCHEME):].strip("/")
    else:
        # realpath: ./warehouse, /abs/warehouse and a symlink to it are the same warehouse.
        label = f"local:{os.path.realpath(target)}"
    return WarehouseIdentity(label, hashlib.sha256(label.encode("utf-8")).hexdigest()[:16])
