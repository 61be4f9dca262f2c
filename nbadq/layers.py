"""The platform's layers, named once: every other module imports these instead of keeping its own list.

Data flows raw -> analytics -> precompute -> predictions -> grading; `reference` holds run history, which the
false-zero rule reads. Only the four middle layers can be refilled by a service (contract, section 4), in that
order: refilling a later layer before an earlier one would rebuild it from the same broken input.
"""

from __future__ import annotations

LAYERS: tuple[str, ...] = ("raw", "analytics", "precompute", "predictions", "grading", "reference")
FILL_LAYERS: tuple[str, ...] = ("analytics", "precompute", "predictions", "grading")

# Layers built from rolling windows: the bootstrap days of a season (0-13) are not expected to hold data there,
# so they are left out of these layers' coverage denominators and never sent to their fillers.
PROCESSABLE_ONLY: frozenset[str] = frozenset({"precompute", "predictions"})
