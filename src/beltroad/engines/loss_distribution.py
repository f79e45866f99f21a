"""The distribution of simulated portfolio losses, binned for charts and stored runs (#18)."""

from __future__ import annotations

from typing import Any

import numpy as np

HISTOGRAM_BINS = 40
"""[N] Bins of the stored loss distribution: enough to see its shape and tail."""


def loss_histogram(
    totals: np.ndarray[Any, np.dtype[np.float64]], bins: int = HISTOGRAM_BINS
) -> dict[str, list[float]]:
    """Equal-width bins of the scenario losses, from 0 (or the least loss) to the largest.

    >>> loss_histogram(np.array([0.0, 1.0, 1.0, 2.0]), bins=2)
    {'edges': [0.0, 1.0, 2.0], 'counts': [1.0, 3.0]}
    """
    if totals.size == 0:
        return {"edges": [], "counts": []}
    low = min(0.0, float(totals.min()))
    high = float(totals.max())
    if high <= low:
        high = low + 1.0
    counts, edges = np.histogram(totals, bins=bins, range=(low, high))
    return {"edges": [float(e) for e in edges], "counts": [float(c) for c in counts]}
