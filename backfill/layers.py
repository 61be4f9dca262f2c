"""The layers `nbadq fill` can refill, in the order data flows through them.

Analytics feeds precompute, precompute feeds predictions, predictions feed grading: refilling a later layer
before an earlier one would recompute it from the same broken input, so a run always goes in this order.
"""

from __future__ import annotations

FILL_LAYERS: tuple[str, ...] = ("analytics", "precompute", "predictions", "grading")

# Which calendar dates a layer is expected to hold data for (its coverage denominator). Precompute and predictions
# need rolling windows, so the bootstrap days of a season (0-13) are not expected there.
PROCESSABLE_ONLY: frozenset[str] = frozenset({"precompute", "predictions"})


def layer_order(layer: str) -> int:
    return FILL_LAYERS.index(layer)
