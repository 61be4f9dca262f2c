"""`--seasons` values: one season year (`2024`) or an inclusive range (`2021-2025`)."""

from __future__ import annotations

import re

from nbadq.errors import UsageError

FIRST_SEASON = 2004  # the first season with the current 30 teams
LAST_SEASON = 2026  # the contract's last (provisional) opener


def parse_seasons(text: str) -> list[int]:
    match = re.fullmatch(r"\s*(\d{4})\s*(?:-\s*(\d{4})\s*)?", text or "")
    if not match:
        raise UsageError(f"--seasons {text!r}: use a season year like 2024 or a range like 2021-2025")
    first = int(match.group(1))
    last = int(match.group(2) or first)
    if first > last:
        raise UsageError(f"--seasons {text!r}: the range starts after it ends (write {last}-{first})")
    if first < FIRST_SEASON or last > LAST_SEASON:
        raise UsageError(f"--seasons {text!r}: seasons must lie within {FIRST_SEASON}-{LAST_SEASON}")
    return list(range(first, last + 1))
